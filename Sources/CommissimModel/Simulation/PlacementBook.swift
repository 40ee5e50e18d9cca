import CommissimEngine

/// The bookkeeping of placements: who is placed where, and every count kept from it — provider
/// and contract occupancy and reserved places, rosters, free places and framework contracts per
/// council and tier, spot vacancies, the census (Census.swift) and the per-council concentration
/// counts. The mechanisms decide — Placement.swift where a child goes and at what price,
/// Tendering.swift what a contract commits — and record what they decided here, through
/// ``Market/attach(_:_:provider:contract:)``, ``Market/detach(_:)``, ``Market/register(contract:)``,
/// ``Market/commit(contract:volume:)``, ``Market/reclassify(contract:to:)`` and
/// ``Market/release(contract:)``; nothing else writes these counts (the month's spot vacancies
/// are refreshed with the spot quotes). InvariantTests recounts all of it from the children every month.
/// The counts are ``AlignedArray``s, written in place without copy-on-write checks; copies of
/// the book share them, so the market keeps the one owner.
struct PlacementBook {
    /// Free reserved places on each council's contracts, per council and tier (`c * 3 + k`), and
    /// the number of framework (spot-form) contracts: placement skips the contract search when
    /// neither can take a child.
    var freePlaces = AlignedArray<Int>()
    var frameworks = AlignedArray<Int>()
    /// Per council: children placed with independent providers, and the sum over providers of the
    /// squared counts (for the Herfindahl index), kept up to date on every placement.
    var councilPlaced = AlignedArray<Int>()
    var councilPlacedSquares = AlignedArray<Int>()
    /// Each provider's free places for spot and framework children during this month's
    /// placements (``Market/spotFree(_:)``, 0 once it has exited): one small array a spot search can probe.
    var spotVacancies = AlignedArray<Int32>()
    /// The month's spot vacancies summed over each reach segment — a council's own local
    /// providers, a region's regional ones, the national ones, per tier (``Market/reachSegment(_:)``)
    /// — and each provider's segment (−1 in-house): a council whose local, regional and national
    /// segments hold no vacancy does not ring round (MODEL.md §3.7).
    var reachVacancies = AlignedArray<Int>()
    var vacancySegment = AlignedArray<Int32>()
    /// Per council and tier, the first contract on its shelf (``Councils/contractsByTier``) that
    /// may have room in this month's placements: those before it were found full, and while
    /// children are placed room on a contract only shrinks (``Market/contractWithRoom(_:)``). Set
    /// back to the shelf's start with the month's spot quotes and whenever a shelf or a contract's
    /// places change. Without it a long waiting list re-read a long shelf of full contracts for
    /// every child, every month.
    var shelfCursor = AlignedArray<Int32>()
    /// Children by status, kept by placement (read by the metrics).
    var census = Census()
    /// Per council: the monthly fees of its children placed at a fee per child, in
    /// ``FixedPoint`` units (with each provider's ``Providers/feeUnits``, kept by ``Market/countFee(_:_:)``).
    var councilFeeUnits = AlignedArray<Int64>()
    /// The month each placement ends, by leaving or breaking down, whichever comes first
    /// (scheduled by ``Market/assign(_:provider:contract:price:spot:)``; see ``Market/runDelivery()``).
    var endings = MonthCalendar()

    /// Gives this copy blocks of its own for its counts (see ``Providers/ownStorage()``).
    mutating func ownStorage() {
        freePlaces = freePlaces.copy(); frameworks = frameworks.copy()
        councilPlaced = councilPlaced.copy(); councilPlacedSquares = councilPlacedSquares.copy()
        spotVacancies = spotVacancies.copy(); councilFeeUnits = councilFeeUnits.copy()
        reachVacancies = reachVacancies.copy(); vacancySegment = vacancySegment.copy()
        shelfCursor = shelfCursor.copy()
    }

    /// Every shelf to be read from its start again (see ``shelfCursor``).
    mutating func rewindShelves(_ count: Int) {
        if shelfCursor.count != count { shelfCursor = AlignedArray(repeating: 0, count: count) } else { shelfCursor.fill(with: 0) }
    }

    /// Council–tier `ck`'s shelf to be read from its start again (its contracts or their places changed).
    func rewindShelf(_ ck: Int) {
        if ck < shelfCursor.count { shelfCursor[ck] = 0 }
    }
}

extension Market {
    /// Records child `i`'s placement with provider `j` (on contract `ct`, or −1); `child` is its
    /// record as placed.
    @inline(__always) func attach(_ i: Int, _ child: Child, provider j: Int, contract ct: Int) {
        censusPlaced(child)
        providers.occupied[j] += 1
        if providers.kind[j] != .inHouse {
            linkChild(i, provider: j, contract: ct)
            let c = Int(child.council), ix = pair(j, c)
            let n = Int(providers.placedPairs[ix])
            book.councilPlacedSquares[c] += 2 * n + 1
            book.councilPlaced[c] += 1
            providers.placedPairs[ix] = UInt32(n + 1)
        }
        if ct >= 0 && reservesPlaces(ct) {
            contracts[ct].occupied += 1
            providers.blockOccupied[j] += 1
            book.freePlaces[councilTier(contracts[ct].council, contracts[ct].tier)] -= 1
        } else {
            if ct >= 0 { contracts[ct].occupied += 1 }
            if j < book.spotVacancies.count { // a spot or framework place taken
                let v = book.spotVacancies[j]
                book.spotVacancies[j] = v - 1
                if v > 0, case let s = Int(book.vacancySegment[j]), s >= 0 { book.reachVacancies[s] -= 1 }
            }
        }
    }

    /// Starts loading what detaching child `i` will touch besides its own record: its roster
    /// neighbours and its council–provider count. Call once `i`'s record is (nearly) in the cache.
    @inline(__always) func prefetchDetach(_ i: Int) {
        let child = children[i]
        guard child.provider >= 0 else { return }
        children.prefetch(Int(child.prevOnRoster))
        children.prefetch(Int(child.nextOnRoster))
        providers.placedPairs.prefetch(pair(Int(child.provider), Int(child.council)))
    }

    /// Ends child `i`'s current placement (leaving, breakdown or provider exit).
    func detach(_ i: Int) {
        let child = children[i]
        let j = Int(child.provider)
        guard j >= 0 else { return }
        let ct = Int(child.contract)
        settleCare(i)
        countFee(child, -1)
        let independent = providers.kind[j] != .inHouse
        if independent { unlinkChild(i, provider: j, contract: ct) }
        // Field by field, not the whole record written back: the roster fields were just
        // written narrowly, and reloading the record over them stalls the store buffer.
        children[i].provider = -1
        children[i].contract = -1
        children[i].price = 0
        children[i].spot = false
        children[i].breakdownMonth = Int32.max
        providers.occupied[j] -= 1
        if independent {
            let c = Int(child.council), ix = pair(j, c)
            let n = Int(providers.placedPairs[ix])
            book.councilPlacedSquares[c] -= 2 * n - 1
            book.councilPlaced[c] -= 1
            providers.placedPairs[ix] = UInt32(n - 1)
        }
        if ct >= 0 {
            contracts[ct].occupied -= 1
            if reservesPlaces(ct) {
                providers.blockOccupied[j] -= 1
                book.freePlaces[councilTier(contracts[ct].council, contracts[ct].tier)] += 1
            }
        }
    }

    /// A new contract `k` in force (framework contracts are counted per council and tier).
    func register(contract k: Int) {
        let ck = councilTier(contracts[k].council, contracts[k].tier)
        if contracts[k].form == .spot { book.frameworks[ck] += 1 }
        book.rewindShelf(ck)
    }

    /// Sets contract `k`'s volume, reserving places at its provider (growing capacity if needed).
    func commit(contract k: Int, volume: Int) {
        let i = contracts[k].provider
        if reservesPlaces(k) {
            providers.committed[i] -= contracts[k].volume
            book.freePlaces[councilTier(contracts[k].council, contracts[k].tier)] += volume - contracts[k].volume
        }
        contracts[k].volume = volume
        book.rewindShelf(councilTier(contracts[k].council, contracts[k].tier))
        if reservesPlaces(k) {
            providers.committed[i] += volume
            let spotOccupied = providers.occupied[i] - providers.blockOccupied[i]
            providers.capacity[i] = max(providers.capacity[i], providers.committed[i] + spotOccupied)
        }
    }

    /// Changes contract `k`'s payment form, moving its places between reserved and framework.
    func reclassify(contract k: Int, to form: PaymentForm) {
        let before = reservesPlaces(k)
        let after = form != .spot
        if before != after {
            let i = contracts[k].provider
            let sign = after ? 1 : -1
            providers.committed[i] += sign * contracts[k].volume
            providers.blockOccupied[i] += sign * contracts[k].occupied
            let ck = councilTier(contracts[k].council, contracts[k].tier)
            book.freePlaces[ck] += sign * (contracts[k].volume - contracts[k].occupied)
            book.frameworks[ck] -= sign
        }
        contracts[k].form = form
        book.rewindShelf(councilTier(contracts[k].council, contracts[k].tier))
    }

    /// Releases ended contract `k`'s places; its children stay with the provider as spot
    /// placements at the contract price ("existing placements continue").
    func release(contract k: Int) {
        let c = contracts[k].council, i = contracts[k].provider
        let ck = councilTier(c, contracts[k].tier)
        book.rewindShelf(ck)
        if reservesPlaces(k) {
            providers.committed[i] -= contracts[k].volume
            providers.blockOccupied[i] -= contracts[k].occupied
            book.freePlaces[ck] -= contracts[k].volume - contracts[k].occupied
        } else {
            book.frameworks[ck] -= 1
        }
        for ch in members(of: k) {
            settleCare(ch) // the month's care so far was at the contract's terms (spot or not)
            countFee(children[ch], -1)
            children[ch].contract = -1
            children[ch].price = contracts[k].price
            children[ch].spot = true
            countFee(children[ch], 1)
            linkChild(ch, provider: i, contract: -1)
        }
        contracts[k].firstOnRoster = -1
        contracts[k].lastOnRoster = -1
        contracts[k].occupied = 0
    }
}

/// Rosters: every child placed with an independent provider is on exactly one list — its
/// contract's if it is placed on one, otherwise its provider's list of children placed off
/// contract — threaded through ``Child`` (`nextOnRoster`, `prevOnRoster`) in the order the
/// children were placed. Ending a contract walks only its own children; a provider's exit walks
/// its off-contract list after its contracts have ended. In-house services never exit and hold no
/// contracts, so their children are on no roster.
extension Market {
    /// Appends child `i` (placed with provider `j`, on contract `ct` or −1) to its roster (O(1)).
    @inline(__always) func linkChild(_ i: Int, provider j: Int, contract ct: Int) {
        let last = ct >= 0 ? contracts[ct].lastOnRoster : providers.lastOffContract[j]
        children[i].prevOnRoster = last
        children[i].nextOnRoster = -1
        if last >= 0 { children[Int(last)].nextOnRoster = Int32(i) }
        if last < 0 { // the roster was empty
            if ct >= 0 { contracts[ct].firstOnRoster = Int32(i) } else { providers.firstOffContract[j] = Int32(i) }
        }
        if ct >= 0 { contracts[ct].lastOnRoster = Int32(i) } else { providers.lastOffContract[j] = Int32(i) }
    }

    /// Removes child `i` from its roster (O(1)); the others keep their order.
    @inline(__always) func unlinkChild(_ i: Int, provider j: Int, contract ct: Int) {
        let prev = children[i].prevOnRoster, next = children[i].nextOnRoster
        if prev >= 0 { children[Int(prev)].nextOnRoster = next }
        if next >= 0 { children[Int(next)].prevOnRoster = prev }
        children[i].prevOnRoster = -1
        children[i].nextOnRoster = -1
        if prev < 0 { // it was first
            if ct >= 0 { contracts[ct].firstOnRoster = next } else { providers.firstOffContract[j] = next }
        }
        if next < 0 { // it was last
            if ct >= 0 { contracts[ct].lastOnRoster = prev } else { providers.lastOffContract[j] = prev }
        }
    }

    private func roster(from first: Int32) -> [Int] {
        var out: [Int] = []
        var i = first
        while i >= 0 { out.append(Int(i)); i = children[Int(i)].nextOnRoster }
        return out
    }

    /// The children placed on contract `k`, in the order they were placed.
    public func members(of k: Int) -> [Int] { roster(from: contracts[k].firstOnRoster) }

    /// The children placed with independent provider `j` off contract (spot, or on a contract that ended).
    public func offContractChildren(of j: Int) -> [Int] { roster(from: providers.firstOffContract[j]) }

    /// Every child placed with independent provider `j`, in slot order.
    public func children(of j: Int) -> [Int] {
        (offContractChildren(of: j) + providers.contracts[j].flatMap { members(of: $0) }).sorted()
    }
}

