import Hummingbird

/// Registers the S3 REST subset (path-style, SigV4 service `s3`) over `api.objects`.
///
/// S3 takes every request no other route claims: it is added as router middleware, which
/// Hummingbird runs in front of its not-found responder, and which lets a request that matched a
/// route (its endpoint path is set) go by. So `POST /` (CloudTrail), `POST /PutAuditEvents`,
/// `/v1/…`, `/health` and `/metrics` keep their meaning, `GET /` is ListBuckets, and routes
/// registered later are not shadowed either. Paths of the reserved bucket names (`v1`, `health`,
/// `metrics`, `console`) that no route claims stay plain 404s.
func addS3Routes(to router: Router<TrailRequestContext>, api: TrailAPIContext) {
    router.add(middleware: S3Middleware(api: api))
}
