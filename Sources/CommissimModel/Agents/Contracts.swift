import CommissimEngine

/// One contract between a council and a provider: a record of two cache lines, the first holding
/// what the monthly passes over the contracts in force read (who, what, how many, at what price,
/// until when, how paid), the second the rest.
///
/// Records, not parallel arrays: a monthly pass over the contracts in force reads most of the
/// first line of each, and with one array per field it touched a cache line per field per
/// contract (see scripts/benchmark.sh).
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

/// The contracts, by id: `contracts[k].price` reads contract k's price; records are written in
/// place (copies of `Contracts` share them, as ``AlignedArray``'s do: the market is their one
/// owner).
///
/// An ended contract's id is let again once nothing refers to it any more (``recycle()``): the
/// records stay as many as the contracts in force, a few thousand at England's scale, rather than
/// one for every contract let in decades of burn-in. Nothing in the model depends on an id's
/// value, only on which contract it names: the lists of contracts (a council's, a provider's, the
/// contracts in force) keep the order the contracts were let.
public struct Contracts: Sendable {
    private var records = AlignedArray<Contract>()
    /// Outcome payments scheduled on each contract and not yet paid (``Market/payDueOutcomes()``
    /// reads the contract when one falls due, even after it has ended).
    private var paymentsDue = AlignedArray<Int32>()
    /// Ended contracts whose ids are not yet free to be let again.
    private var ended: [Int32] = []
    /// Ids free to be let again, the most recently freed last.
    private var free: [Int32] = []

    /// Ids in use or free: the contracts in force and those ended but not yet let again.
    public var count: Int { records.count }
    /// Records the storage holds before it next grows.
    var capacity: Int { records.capacity }
    /// Contracts ended whose ids wait to be let again, and ids free to be: for the invariant tests.
    var idle: (ended: [Int32], free: [Int32]) { (ended, free) }

    /// Contract `k`.
    public subscript(k: Int) -> Contract {
        @inline(__always) get { records[k] }
        @inline(__always) nonmutating set { records[k] = newValue }
        @inline(__always) nonmutating _modify { yield &records[k] }
    }

    /// Gives this copy a block of its own for the records (a plain copy shares them).
    mutating func ownStorage() { records = records.copy(); paymentsDue = paymentsDue.copy() }

    /// Starts loading contract `k`'s first cache line (a hint; `k` out of range is ignored).
    @inline(__always) func prefetch(_ k: Int) { records.prefetch(k) }

    /// Lets a new contract; returns its id (a free one if any, see ``recycle()``).
    mutating func append(council c: Int, provider p: Int, tier t: Int, volume v: Int, price pr: Double, form f: PaymentForm,
                         outcomeSpec os: Bool, start s: Int, end e: Int, extension x: Int, codesign cd: Bool,
                         collaborative col: Bool, financed fin: Bool, reviewCost rc: Double) -> Int {
        let record = Contract(council: c, provider: p, tier: t, volume: v, price: pr, end: e, form: f, financed: fin,
                              codesign: cd, collaborative: col, outcomeSpec: os, extensionLeft: x, start: s, reviewCost: rc)
        if let k = free.popLast() {
            records[Int(k)] = record
            return Int(k)
        }
        records.append(record)
        paymentsDue.append(0)
        return records.count - 1
    }

    /// An outcome payment on contract `k` is scheduled (`+1`) or paid (`−1`).
    @inline(__always) func countPayment(_ k: Int, _ sign: Int32) { paymentsDue[k] += sign }

    /// Contract `k` has ended (it is no longer active and no list of contracts holds it).
    mutating func retire(_ k: Int) { ended.append(Int32(k)) }

    /// Frees the ids of ended contracts nothing refers to any more: no outcome payment due on
    /// them, and not kept as a member by an alliance (whose list of members stays as it was when
    /// a member's contract ended; such ids are never let again). Call between months, once the
    /// ended contracts have left the list of contracts in force, so no id is in two roles at once.
    mutating func recycle() {
        guard !ended.isEmpty else { return }
        var waiting: [Int32] = []
        for k in ended {
            if records[Int(k)].alliance >= 0 { continue }
            if paymentsDue[Int(k)] > 0 { waiting.append(k) } else { free.append(k) }
        }
        ended = waiting
    }
}
