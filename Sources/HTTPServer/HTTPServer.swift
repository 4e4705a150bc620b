/// An HTTP/1.1 server on Transport: connections, router, middleware, streaming bodies, SSE, graceful shutdown.
public enum HTTPServerModule {}
