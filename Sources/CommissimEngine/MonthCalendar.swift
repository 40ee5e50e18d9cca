/// A calendar of events by month: a bucket queue of slot numbers, so that the events of a month
/// are found without a pass over everything that might have one (MODEL.md §2, "scheduling").
///
/// A ring of `window` monthly buckets holds the events of the coming months; events further
/// ahead wait in a list that is sorted into the ring once every `window` months. An event is a
/// hint, not a promise: the owner checks, when its month comes, whether the slot's state still
/// calls for it (an event made stale by an earlier move is simply skipped), so nothing is ever
/// removed from the calendar. Months must be taken in order, each once.
public struct MonthCalendar: Sendable {
    private var ring: [[Int32]]
    private var far: [(month: Int, slot: Int32)] = []
    private let window: Int
    /// `window − 1`: the window is a power of two, so a month's bucket is `month & mask`.
    private let mask: Int
    /// The next month to be taken.
    public private(set) var next: Int
    /// The first month not yet covered by the ring (events from it on are in `far`).
    private var horizon: Int

    /// An empty calendar whose first month is `start`.
    public init(start: Int = 0, window: Int = 256) {
        precondition(window > 0 && window & (window - 1) == 0, "the window is a power of two")
        self.window = window
        mask = window - 1
        ring = Array(repeating: [], count: window)
        next = start
        horizon = start + window
    }

    /// Schedules an event for `slot` in `month` (not before the next month to be taken; months
    /// beyond `Int32.max` mean never and are dropped).
    public mutating func schedule(_ slot: Int, in month: Int) {
        guard month < Int(Int32.max) else { return }
        precondition(month >= next, "an event cannot be scheduled in a month already taken")
        if month < horizon {
            ring[month & mask].append(Int32(slot))
        } else {
            far.append((month, Int32(slot)))
        }
    }

    /// The slots with an event in month `month` (the next month), in the order they were
    /// scheduled (a slot may appear more than once); the month is then cleared.
    public mutating func take(_ month: Int) -> [Int32] {
        precondition(month == next, "months are taken in order")
        if month >= horizon { advanceHorizon(from: month) }
        let b = month & mask
        // The bucket's storage goes with the events: kept, every bucket would hold a month's worth.
        let slots = ring[b]
        ring[b] = []
        next = month + 1
        return slots
    }

    /// Moves the far events that now fall within the ring's window (`month` is the month about to
    /// be taken, the first of the new window).
    private mutating func advanceHorizon(from month: Int) {
        horizon = month + window
        var keep: [(month: Int, slot: Int32)] = []
        for e in far {
            if e.month < horizon { ring[e.month & mask].append(e.slot) } else { keep.append(e) }
        }
        far = keep
    }

    /// The slots with an event in `month` (not yet taken), in the order they were scheduled,
    /// without taking them.
    public func scheduled(in month: Int) -> [Int32] {
        guard month >= next else { return [] }
        if month < horizon { return ring[month & mask] }
        return far.filter { $0.month == month }.map(\.slot)
    }

    /// Events waiting (stale ones included): for memory checks.
    public var pending: Int { ring.reduce(0) { $0 + $1.count } + far.count }
}
