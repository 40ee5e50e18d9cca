import CommissimEngine

/// One child or family in (or waiting for) a service: a lightweight record of 64 bytes.
///
/// A child arrives with a need tier, waits or is placed, may suffer placement breakdowns (each
/// move adds to the placement history) and leaves with an outcome. Children decide nothing.
public struct Child: Sendable, BitwiseCopyable {
    /// Monthly price paid for a spot or framework placement (0 otherwise).
    public var price: Double = 0
    public var council: Int32
    /// Provider id, or −1 while waiting.
    public var provider: Int32 = -1
    /// Contract id, or −1 for spot and in-house placements.
    public var contract: Int32 = -1
    /// Month the child leaves the service (set at first placement).
    public var exitMonth: Int32 = .max
    /// Month the current placement breaks down, if the child is still there.
    public var breakdownMonth: Int32 = .max
    public var placementStart: Int32
    /// Neighbours on its contract's or provider's roster (−1 at the ends; see ``Market/members(of:)``).
    public var nextOnRoster: Int32 = -1
    public var prevOnRoster: Int32 = -1
    /// Sum over months served of the quality received, up to the last settlement (see
    /// ``Market/settleCare(_:)``: the months since are added when the placement ends or changes).
    public var qualitySum: Float = 0
    /// The provider's cumulative quality delivered (``Providers/careDelivered``) at the last settlement.
    public var qualityMark: Float = 0
    public var placements: UInt16 = 0
    /// Placements started in the current calendar year (for the 004 calibration point).
    public var placementsThisYear: UInt16 = 0
    public var breakdowns: UInt16 = 0
    public var waitMonths: UInt16 = 0
    /// Months served, up to the last settlement.
    public var servedMonths: UInt16 = 0
    /// ``Market/monthsDelivered`` (mod 2^16) at the last settlement.
    public var servedMark: UInt16 = 0
    public var tier: UInt8
    /// Whether the current placement is a spot purchase (or a former contract placement continuing at spot).
    public var spot = false
    public var alive = true

    init(council c: Int, tier t: Int, month: Int) {
        council = Int32(c); tier = UInt8(t); placementStart = Int32(month)
    }

    /// Looked after (fostering or residential care), not family support: its placements count
    /// towards the placement-stability figures (004).
    public var isLookedAfter: Bool { tier != UInt8(Tier.familySupport.rawValue) }
}

/// Children and families: one ``Child`` record per slot, slots reused after a child leaves.
///
/// Records, not parallel arrays: nearly every event (placement, breakdown, leaving) reads and
/// writes most fields of one child at a random slot, so one cache line per child beats a dozen
/// (measured: a third less time per run at England scale, see scripts/benchmark.sh). The records
/// are in an ``AlignedArray``, so each is exactly one cache line (in a Swift array nearly every
/// record straddled two: about a tenth of the run time). Copies share the records until the original grows.
public struct Children: Sendable, RandomAccessCollection {
    private var records = AlignedArray<Child>()
    /// Free slots to reuse.
    public private(set) var free: [Int32] = []
    /// Children alive (waiting or served).
    public private(set) var living = 0

    init() {}

    public var startIndex: Int { 0 }
    /// Number of slots (alive or free).
    public var endIndex: Int { records.count }

    /// The record in slot `i`.
    public subscript(i: Int) -> Child {
        @inline(__always) get { records[i] }
        @inline(__always) nonmutating set { records[i] = newValue }
        @inline(__always) nonmutating _modify { yield &records[i] }
    }

    /// Adds a waiting child and returns its slot.
    mutating func add(council c: Int, tier t: Int, month: Int) -> Int {
        living += 1
        let child = Child(council: c, tier: t, month: month)
        if let i = free.popLast() {
            records[Int(i)] = child
            // Arrivals take the free slots in turn: start loading the one four arrivals ahead.
            if free.count >= 4 { records.prefetch(Int(free[free.count - 4])) }
            return Int(i)
        }
        records.append(child)
        return records.count - 1
    }

    /// Slots the records hold before they next grow.
    var capacity: Int { records.capacity }
    /// The bytes the records will take more at the next ``add(council:tier:month:)``: the new
    /// block while the old is copied into it (0 when a slot is free or there is room).
    var growthBytes: Int { free.isEmpty && records.count == records.capacity ? records.nextCapacity * MemoryLayout<Child>.stride : 0 }

    /// Frees slot `i` (the child has left).
    mutating func remove(_ i: Int) {
        records[i].alive = false
        records[i].provider = -1
        free.append(Int32(i))
        living -= 1
    }

    /// Gives this copy a block of its own for the records (a plain copy shares them).
    mutating func ownStorage() { records = records.copy() }

    /// Starts loading slot `i`'s record into the cache (a hint; `i` out of range is ignored).
    @inline(__always) func prefetch(_ i: Int) { records.prefetch(i) }

    /// Runs `body` on the records in place (hot loops over every slot).
    func withRecords<R>(_ body: (inout UnsafeMutableBufferPointer<Child>) throws -> R) rethrows -> R {
        try records.withElements(body)
    }
}
