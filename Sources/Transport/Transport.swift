// Transport: epoll event loop, sockets, TLS.
