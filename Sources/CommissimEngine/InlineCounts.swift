/// Small fixed-length counts (one per tier, one per number of placements) are `InlineArray`s:
/// stored in their owner, so a count written on every placement is written in place, without the
/// copy-on-write check and heap block of an `Array`.
extension InlineArray {
    /// The elements in order, as an `Array` (for reading an inline count as a whole).
    @inlinable public var elements: [Element] { indices.map { self[$0] } }
}
