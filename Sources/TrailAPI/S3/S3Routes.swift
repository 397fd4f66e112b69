import Hummingbird

/// Registers the S3 REST subset (path-style) over `api.objects`.
func addS3Routes(to router: Router<TrailRequestContext>, api: TrailAPIContext) {
}
