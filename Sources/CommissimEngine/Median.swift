/// The median of `values` by selection rather than a full sort (the monthly metrics take the
/// median reserves of each provider kind, hundreds of providers each, every month). Reorders
/// `values`; gives exactly what sorting would: the middle value, or the mean of the two middle
/// values for an even count; 0 for none.
public func median(_ values: inout [Double]) -> Double {
    let n = values.count
    guard n > 0 else { return 0 }
    let upper = select(&values, n / 2)
    guard n % 2 == 0 else { return upper }
    // After selection everything before position n/2 is no larger: the other middle value is its maximum.
    var lower = values[0]
    for x in values[1..<n / 2] where x > lower { lower = x }
    return (lower + upper) / 2
}

/// Moves the `k`-th smallest value (0-based) to position `k`, smaller or equal ones before it and
/// larger or equal ones after it (Hoare partitioning, median-of-three pivots), and returns it.
private func select(_ v: inout [Double], _ k: Int) -> Double {
    var lo = 0, hi = v.count - 1
    while hi > lo {
        let mid = lo + (hi - lo) / 2
        // Median of three as pivot: order v[lo] ≤ v[mid] ≤ v[hi].
        if v[mid] < v[lo] { v.swapAt(mid, lo) }
        if v[hi] < v[lo] { v.swapAt(hi, lo) }
        if v[hi] < v[mid] { v.swapAt(hi, mid) }
        let pivot = v[mid]
        var i = lo, j = hi
        while i <= j {
            while v[i] < pivot { i += 1 }
            while pivot < v[j] { j -= 1 }
            if i <= j {
                v.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        // Now v[lo...j] ≤ pivot ≤ v[i...hi], and anything between equals the pivot.
        if k <= j {
            hi = j
        } else if k >= i {
            lo = i
        } else {
            return v[k]
        }
    }
    return v[k]
}
