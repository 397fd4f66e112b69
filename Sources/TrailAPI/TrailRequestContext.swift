import Hummingbird
import Logging
import NIOCore

/// The request context of every Trailkeeper route: Hummingbird's core context plus the
/// caller that SigV4 authentication established.
public struct TrailRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` on authenticated routes.
    public var caller: AuthenticatedCaller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.caller = nil
    }

    /// Bodies are read explicitly with a limit per route; this is the global ceiling.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}
