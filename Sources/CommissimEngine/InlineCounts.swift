/// Up to ``capacity`` values stored inside their owner: no heap block, so a count written on every
/// placement (per tier, per number of placements this year) is written in place, without the
/// copy-on-write check an `Array` makes on each write through a class (MODEL.md §2). `count` of
/// the slots are in use, fixed at creation. Inlinable, so each use is specialised to its element
/// (Swift's `InlineArray` would do, but needs macOS 26).
public struct InlineCounts<Element: BitwiseCopyable & Sendable>: Sendable {
    @inlinable public static var capacity: Int { 4 }
    @usableFromInline var slots: (Element, Element, Element, Element)
    public let count: Int

    /// `count` (at most ``capacity``) copies of `value`.
    @inlinable public init(repeating value: Element, count: Int) {
        precondition((0...Self.capacity).contains(count), "at most \(Self.capacity) inline values")
        slots = (value, value, value, value)
        self.count = count
    }

    @inlinable public subscript(i: Int) -> Element {
        @inline(__always) get {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "index out of range")
            return withUnsafeBytes(of: slots) { $0.load(fromByteOffset: i * MemoryLayout<Element>.stride, as: Element.self) }
        }
        @inline(__always) set {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "index out of range")
            withUnsafeMutableBytes(of: &slots) { $0.storeBytes(of: newValue, toByteOffset: i * MemoryLayout<Element>.stride, as: Element.self) }
        }
    }

    /// The values in order, as an `Array`.
    @inlinable public var elements: [Element] { (0..<count).map { self[$0] } }
}
