import CMemory

/// A growable array of plain records whose storage starts on a 64-byte (cache-line) boundary.
///
/// A Swift `Array`'s elements start 32 bytes into a block the allocator aligns to 16 (large
/// blocks come back at 16 past a page), so records of 32 or 64 bytes straddle two cache lines and
/// a random access loads both. Here a 64-byte record is exactly one line, a 32-byte record half of
/// one. Element access is bounds-checked and never copies: copies of an `AlignedArray` share
/// storage until the original grows (each growth moves to a fresh block, which the copy does not
/// see), so keep one owner, as the model's `Market` does.
public struct AlignedArray<Element: BitwiseCopyable>: @unchecked Sendable, RandomAccessCollection {
    /// Owns one block; freed when no `AlignedArray` refers to it.
    private final class Block {
        let base: UnsafeMutablePointer<Element>
        let capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            let (bytes, overflow) = Swift.max(1, capacity).multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
            // Large blocks go on huge pages where the kernel allows (CMemory.h): the model's
            // scenario limits keep every block far below what this could overflow.
            guard !overflow, let raw = commissim_alloc_block(bytes) else {
                MemoryLimit.exceeded("the system refused \(Int((Double(bytes) / 1_048_576).rounded())) MB for a block of \(capacity) records (out of memory, or a ulimit)")
            }
            base = raw.bindMemory(to: Element.self, capacity: capacity)
        }
        deinit { commissim_free_block(base) } // plain data: nothing to deinitialise
    }

    private var block: Block
    @usableFromInline var base: UnsafeMutablePointer<Element>
    /// Number of elements.
    public private(set) var count = 0
    /// Number of elements the storage holds before it next grows.
    public var capacity: Int { block.capacity }
    /// How many elements the storage will hold after its next growth (``append(_:)``).
    public var nextCapacity: Int { Swift.max(64, 2 * block.capacity) }

    /// An empty array.
    public init() {
        block = Block(capacity: 0)
        base = block.base
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The element at `i`.
    public subscript(i: Int) -> Element {
        @inlinable @inline(__always) get {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "index out of range")
            return base[i]
        }
        @inlinable @inline(__always) nonmutating set {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "index out of range")
            base[i] = newValue
        }
        @inlinable @inline(__always) nonmutating _modify {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "index out of range")
            yield &base[i]
        }
    }

    /// `count` copies of `value`, in a block of its own.
    public init(repeating value: Element, count: Int) {
        block = Block(capacity: count)
        base = block.base
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    /// The elements of `elements`, in order, copied in one block move.
    public init(_ elements: [Element]) {
        block = Block(capacity: elements.count)
        base = block.base
        elements.withUnsafeBufferPointer { if let from = $0.baseAddress { base.initialize(from: from, count: $0.count) } }
        count = elements.count
    }

    /// Adds `element` at the end (doubling the storage when full).
    public mutating func append(_ element: Element) {
        if count == block.capacity {
            let bigger = Block(capacity: nextCapacity)
            bigger.base.initialize(from: base, count: count)
            block = bigger
            base = bigger.base
        }
        (base + count).initialize(to: element)
        count += 1
    }

    /// A copy of the elements in a block of its own (a plain copy of an `AlignedArray` shares
    /// its block: see the type's note).
    public func copy() -> AlignedArray {
        var out = AlignedArray()
        out.block = Block(capacity: Swift.max(count, block.capacity))
        out.base = out.block.base
        out.base.initialize(from: base, count: count)
        out.count = count
        return out
    }

    /// Sets every element to `value`, in place.
    public func fill(with value: Element) { base.update(repeating: value, count: count) }

    /// Starts loading element `i` into the cache (a hint; `i` out of range is ignored).
    @inlinable @inline(__always) public func prefetch(_ i: Int) {
        guard i >= 0 && i < count else { return }
        commissim_prefetch(base + i)
    }

    /// Runs `body` on the elements in place (hot loops over every element).
    public func withElements<R>(_ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
        var elements = UnsafeMutableBufferPointer(start: base, count: count)
        return try body(&elements)
    }
}
