/// Takes `buffer`'s storage, emptied but with its capacity kept, leaving an empty array in its
/// place: for passes that collect a list every month (give it back when done, so the next month
/// does not allocate again).
@inlinable @inline(__always) public func borrow<T>(_ buffer: inout [T]) -> [T] {
    var taken: [T] = []
    swap(&taken, &buffer)
    taken.removeAll(keepingCapacity: true)
    return taken
}
