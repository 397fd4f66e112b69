import ServiceLifecycle

/// Runs work on a list of items, a bounded number at a time, handing each result over as it
/// completes. Stops starting items on cancellation or graceful shutdown (items in flight finish).
enum BoundedWork {
    /// - Returns: whether every item was started.
    @discardableResult
    static func run<Item: Sendable, Result: Sendable>(
        _ items: [Item], width: Int, work: @escaping @Sendable (Item) async -> Result,
        onResult: (Item, Result) -> Void
    ) async -> Bool {
        await withTaskGroup(of: (Item, Result).self) { group in
            var iterator = items.makeIterator()
            var startedAll = true
            func addNext() {
                guard !Task.isCancelled, !Task.isShuttingDownGracefully else {
                    startedAll = false
                    return
                }
                guard let item = iterator.next() else { return }
                group.addTask { (item, await work(item)) }
            }
            for _ in 0..<Swift.max(1, width) { addNext() }
            while let (item, result) = await group.next() {
                onResult(item, result)
                addNext()
            }
            return startedAll && iterator.next() == nil
        }
    }
}
