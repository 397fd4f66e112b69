/// The Lake services the HTTP API calls (TrailAPI's `TrailAPIContext.lake`).
public struct LakeServices: Sendable {
    /// Stores, channels, imports and tags.
    public var catalog: LakeCatalog
    /// Runs imports; StartImport goes through it (it checks the source bucket).
    public var imports: ImportService

    public init(catalog: LakeCatalog, imports: ImportService) {
        self.catalog = catalog
        self.imports = imports
    }
}
