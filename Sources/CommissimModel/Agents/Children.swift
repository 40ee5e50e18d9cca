/// Children and families: lightweight records in parallel arrays, slots reused after a child leaves.
///
/// A child arrives with a need tier, waits or is placed, may suffer placement breakdowns (each
/// move adds to the placement history) and leaves with an outcome. Children decide nothing.
public struct Children: Sendable {
    public var council: [Int32] = []
    public var tier: [UInt8] = []
    /// Provider id, or −1 while waiting.
    public var provider: [Int32] = []
    /// Contract id, or −1 for spot and in-house placements.
    public var contract: [Int32] = []
    /// Monthly price paid per child for spot and framework placements (0 otherwise).
    public var price: [Double] = []
    public var spot: [Bool] = []
    public var arrival: [Int32] = []
    /// Month the child leaves the service (set at first placement).
    public var exitMonth: [Int32] = []
    /// Month the current placement breaks down, if the child is still there.
    public var breakdownMonth: [Int32] = []
    public var placementStart: [Int32] = []
    public var placements: [UInt16] = []
    /// Placements started in the current calendar year (for the 004 calibration point).
    public var placementsThisYear: [UInt16] = []
    public var breakdowns: [UInt16] = []
    public var waitMonths: [UInt16] = []
    public var servedMonths: [UInt16] = []
    public var qualitySum: [Float] = []
    public var alive: [Bool] = []
    /// Free slots to reuse.
    public var free: [Int32] = []
    /// Children alive (waiting or served).
    public var living = 0

    /// Adds a waiting child and returns its slot.
    mutating func add(council c: Int, tier t: Int, month: Int) -> Int {
        living += 1
        if let i = free.popLast() {
            let k = Int(i)
            council[k] = Int32(c); tier[k] = UInt8(t); provider[k] = -1; contract[k] = -1; price[k] = 0; spot[k] = false
            arrival[k] = Int32(month); exitMonth[k] = Int32.max; breakdownMonth[k] = Int32.max; placementStart[k] = Int32(month)
            placements[k] = 0; placementsThisYear[k] = 0; breakdowns[k] = 0; waitMonths[k] = 0; servedMonths[k] = 0
            qualitySum[k] = 0; alive[k] = true
            return k
        }
        council.append(Int32(c)); tier.append(UInt8(t)); provider.append(-1); contract.append(-1); price.append(0); spot.append(false)
        arrival.append(Int32(month)); exitMonth.append(Int32.max); breakdownMonth.append(Int32.max); placementStart.append(Int32(month))
        placements.append(0); placementsThisYear.append(0); breakdowns.append(0); waitMonths.append(0); servedMonths.append(0)
        qualitySum.append(0); alive.append(true)
        return council.count - 1
    }

    mutating func remove(_ i: Int) {
        alive[i] = false
        provider[i] = -1
        free.append(Int32(i))
        living -= 1
    }
}
