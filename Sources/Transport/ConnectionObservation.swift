/// Lets a tool see the bytes of the connections a client opens, without the client knowing:
/// `switchyard wire --trace` installs an observer for the duration of one command, and every
/// TCP connection opened inside that task tree (child tasks and `Task {}` inherit task-locals)
/// reports what it sends and receives.
///
/// Over TLS the plaintext is what matters: `TLSStream` tells the connection's observer that TLS
/// started, then reports plaintext at the `.tls` layer; the observer decides what to keep.
public protocol ConnectionObserverFactory: Sendable {
    /// Called once per outgoing connection, right after it is established; nil ignores it.
    func connectionOpened(local: SocketAddress?, remote: SocketAddress?) -> (any ConnectionObserver)?
}

public protocol ConnectionObserver: AnyObject, Sendable {
    /// Runs a socket call and the `observe` of its bytes as one step, so that a reply read on
    /// one thread is never reported before the request written on another.
    func ordered<T>(_ body: () -> T) -> T
    func observe(_ direction: ObservedDirection, layer: ObservedLayer, bytes: ArraySlice<UInt8>)
    func tlsStarted()
    func closed()
}

public enum ObservedDirection: Sendable { case sent, received }

/// `.transport`: bytes on the socket (ciphertext under TLS); `.tls`: plaintext inside TLS.
public enum ObservedLayer: Sendable { case transport, tls }

public enum ConnectionObservation {
    /// The factory in effect for connections opened by the current task.
    @TaskLocal public static var factory: (any ConnectionObserverFactory)?
}
