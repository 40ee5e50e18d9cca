import CommissimEngine

/// One contract between a council and a provider: a record of two cache lines, the first holding
/// what the monthly passes over the contracts in force read (who, what, how many, at what price,
/// until when, how paid), the second the rest.
///
/// Records, not parallel arrays: ids are never reused (a contract's history stays readable in
/// per-provider output), so after decades of burn-in the contracts in force are a few thousand
/// scattered among a hundred thousand ids, and a pass over them with one array per field touched a
/// cache line per field per contract (see scripts/benchmark.sh).
public struct Contract: Sendable, BitwiseCopyable {
    public var council: Int
    public var provider: Int
    public var tier: Int
    /// Places reserved (block, grant, outcome) or expected (spot framework).
    public var volume: Int
    /// Price per place per month (£).
    public var price: Double
    /// Month the current term ends (exclusive).
    public var end: Int
    /// Children placed on it.
    public var occupied = 0
    public var form: PaymentForm
    public var active = true
    /// Outcome-based contract pre-financed by the social investor.
    public var financed: Bool
    /// Let under a co-design partnership (shared savings, variation instead of re-tender).
    public var codesign: Bool
    /// Let through collaborative commissioning.
    public var collaborative: Bool
    public var outcomeSpec: Bool
    // The second cache line.
    /// Length of the optional extension still available (months).
    public var extensionLeft: Int
    /// Month of the term's break point, when either side may end it (`Int.max`: none; MODEL.md §3.5).
    public var breakAt = Int.max
    public var start: Int
    /// Children placed on it without a fee of their own (paid through the contract price).
    public var feeFree = 0
    /// The alliance it belongs to (`Market.alliances`), or −1.
    public var alliance = -1
    /// Investor advances on it not yet repaid from its outcome payments (MODEL.md §3.9).
    public var investorOwed = 0.0
    /// Provider unit cost at the last price review (for shared savings).
    public var reviewCost: Double
    /// First and last child (−1 when none) of its roster of children (see ``Market/members(of:)``).
    public var firstOnRoster: Int32 = -1
    public var lastOnRoster: Int32 = -1
}

/// Every contract let, by id (ids are never reused). `contracts[k].price` reads contract k's
/// price; records are written in place (copies of `Contracts` share them, as ``AlignedArray``'s do:
/// the market is their one owner).
public struct Contracts: Sendable {
    private var records = AlignedArray<Contract>()

    /// Contracts let so far.
    public var count: Int { records.count }
    /// Records the storage holds before it next grows.
    var capacity: Int { records.capacity }

    /// Contract `k`.
    public subscript(k: Int) -> Contract {
        @inline(__always) get { records[k] }
        @inline(__always) nonmutating set { records[k] = newValue }
        @inline(__always) nonmutating _modify { yield &records[k] }
    }

    /// Gives this copy a block of its own for the records (a plain copy shares them).
    mutating func ownStorage() { records = records.copy() }

    /// Starts loading contract `k`'s first cache line (a hint; `k` out of range is ignored).
    @inline(__always) func prefetch(_ k: Int) { records.prefetch(k) }

    mutating func append(council c: Int, provider p: Int, tier t: Int, volume v: Int, price pr: Double, form f: PaymentForm,
                         outcomeSpec os: Bool, start s: Int, end e: Int, extension x: Int, codesign cd: Bool,
                         collaborative col: Bool, financed fin: Bool, reviewCost rc: Double) -> Int {
        records.append(Contract(council: c, provider: p, tier: t, volume: v, price: pr, end: e, form: f, financed: fin,
                                codesign: cd, collaborative: col, outcomeSpec: os, extensionLeft: x, start: s, reviewCost: rc))
        return records.count - 1
    }
}
