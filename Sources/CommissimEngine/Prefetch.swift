import CMemory

/// Starts loading element `i` of `array` into the cache, for a loop that will need it a few
/// steps later (a hint: out-of-range indices are ignored, results never depend on it).
@inline(__always) public func prefetch<T>(_ array: [T], _ i: Int) {
    guard i >= 0 && i < array.count else { return }
    array.withUnsafeBufferPointer { commissim_prefetch($0.baseAddress! + i) }
}
