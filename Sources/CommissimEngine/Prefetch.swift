import CMemory

extension Array {
    /// Starts loading element `i` into the cache, for a loop that will need it a few steps later
    /// (a hint: out-of-range indices are ignored, and results never depend on it). Mutating only so
    /// that the array is accessed in place: a copy would cost a retain and a release per call.
    @inlinable @inline(__always) public mutating func prefetch(_ i: Int) {
        guard i >= 0 && i < count else { return }
        withUnsafeMutableBufferPointer { commissim_prefetch($0.baseAddress! + i) }
    }
}
