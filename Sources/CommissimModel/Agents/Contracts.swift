/// Contracts between a council and a provider, stored as parallel arrays (ids are never reused,
/// so a contract's history stays readable in per-provider output).
public struct Contracts: Sendable {
    public var count = 0
    public var council: [Int] = []
    public var provider: [Int] = []
    public var tier: [Int] = []
    /// Places reserved (block, grant, outcome) or expected (spot framework).
    public var volume: [Int] = []
    /// Price per place per month (£).
    public var price: [Double] = []
    public var form: [PaymentForm] = []
    public var outcomeSpec: [Bool] = []
    public var start: [Int] = []
    /// Month the current term ends (exclusive).
    public var end: [Int] = []
    /// Length of the optional extension still available (months).
    public var extensionLeft: [Int] = []
    /// Month of the term's break point, when either side may end it (`Int.max`: none; MODEL.md §3.5).
    public var breakAt: [Int] = []
    public var active: [Bool] = []
    /// Children placed on it.
    public var occupied: [Int] = []
    /// Let under a co-design partnership (shared savings, variation instead of re-tender).
    public var codesign: [Bool] = []
    /// Let through collaborative commissioning.
    public var collaborative: [Bool] = []
    /// Outcome-based contract pre-financed by the social investor.
    public var financed: [Bool] = []
    /// Investor advances on it not yet repaid from its outcome payments (MODEL.md §3.9).
    public var investorOwed: [Double] = []
    /// Provider unit cost at the last price review (for shared savings).
    public var reviewCost: [Double] = []
    /// First and last child (−1 when none) of its roster of children (see ``Market/members(of:)``).
    public var firstOnRoster: [Int32] = []
    public var lastOnRoster: [Int32] = []
    /// Children placed on it without a fee of their own (paid through the contract price).
    public var feeFree: [Int] = []
    /// The alliance it belongs to (`Market.alliances`), or −1.
    public var alliance: [Int] = []

    mutating func append(council c: Int, provider p: Int, tier t: Int, volume v: Int, price pr: Double, form f: PaymentForm,
                         outcomeSpec os: Bool, start s: Int, end e: Int, extension x: Int, codesign cd: Bool,
                         collaborative col: Bool, financed fin: Bool, reviewCost rc: Double) -> Int {
        council.append(c); provider.append(p); tier.append(t); volume.append(v); price.append(pr); form.append(f)
        outcomeSpec.append(os); start.append(s); end.append(e); extensionLeft.append(x); breakAt.append(.max); active.append(true)
        occupied.append(0); codesign.append(cd); collaborative.append(col); financed.append(fin); reviewCost.append(rc)
        feeFree.append(0); investorOwed.append(0); alliance.append(-1)
        firstOnRoster.append(-1); lastOnRoster.append(-1)
        count += 1
        return count - 1
    }
}
