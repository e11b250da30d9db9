//! Means and medians of a numeric scale (the 1–5 rating): shown only when the answers
//! behind them are at least k, and only when, together with the shown counts of the
//! scale (and an earlier release's), they do not let a withheld count be worked out.
//! Mean times base is a sum the attacker can form, so it is checked like a published
//! count: by enumerating every distribution consistent with what is shown.

/// The most distributions enumerated; beyond it the summary is withheld.
const BUDGET: u64 = 2_000_000;

/// One value of the scale in a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scaled {
    pub value: i64,
    pub count: u64,
    pub published: bool,
    /// A lower bound the attacker knows (the count an earlier release showed).
    pub floor: u64,
}

/// The mean of a distribution, if any answered.
pub fn mean(cells: &[Scaled]) -> Option<f64> {
    let n: u64 = cells.iter().map(|c| c.count).sum();
    let total: i64 = cells.iter().map(|c| c.value * c.count as i64).sum();
    (n > 0).then(|| total as f64 / n as f64)
}

/// The median of a distribution (cells in ascending order of value), if any answered.
pub fn median(cells: &[Scaled]) -> Option<f64> {
    let n: u64 = cells.iter().map(|c| c.count).sum();
    if n == 0 {
        return None;
    }
    let at = |position: u64| -> i64 {
        let mut seen = 0;
        for c in cells {
            seen += c.count;
            if seen > position {
                return c.value;
            }
        }
        cells.last().map_or(0, |c| c.value)
    };
    Some(if n % 2 == 1 {
        at(n / 2) as f64
    } else {
        (at(n / 2 - 1) + at(n / 2)) as f64 / 2.0
    })
}

/// Calls `visit` with every way to split `total` over `slots` cells (each at least its
/// floor); false when the budget runs out.
fn splits(floors: &[u64], total: u64, budget: &mut u64, visit: &mut impl FnMut(&[u64])) -> bool {
    fn go(
        floors: &[u64],
        left: u64,
        current: &mut Vec<u64>,
        budget: &mut u64,
        visit: &mut impl FnMut(&[u64]),
    ) -> bool {
        let i = current.len();
        if i == floors.len() {
            if left == 0 {
                if *budget == 0 {
                    return false;
                }
                *budget -= 1;
                visit(current);
            }
            return true;
        }
        let rest_floor: u64 = floors[i + 1..].iter().sum();
        if left < floors[i] + rest_floor {
            return true;
        }
        let top = if i + 1 == floors.len() {
            left
        } else {
            left - rest_floor
        };
        let bottom = if i + 1 == floors.len() {
            left
        } else {
            floors[i]
        };
        for v in bottom..=top {
            current.push(v);
            let ok = go(floors, left - v, current, budget, visit);
            current.pop();
            if !ok {
                return false;
            }
        }
        true
    }
    go(floors, total, &mut Vec::new(), budget, visit)
}

/// Whether showing the mean and median of `cells` (with the base, which must be shown)
/// leaves every withheld count of the scale with at least two possible values.
pub fn summary_holds(cells: &[Scaled]) -> bool {
    let (Some(true_mean), Some(true_median)) = (mean(cells), median(cells)) else {
        return false;
    };
    let hidden: Vec<usize> = (0..cells.len()).filter(|i| !cells[*i].published).collect();
    if hidden.is_empty() {
        return true;
    }
    let hidden_total: u64 = hidden.iter().map(|i| cells[*i].count).sum();
    let floors: Vec<u64> = hidden.iter().map(|i| cells[*i].floor).collect();
    let mut seen: Vec<std::collections::BTreeSet<u64>> = vec![Default::default(); hidden.len()];
    let mut trial = cells.to_vec();
    let mut budget = BUDGET;
    let finished = splits(&floors, hidden_total, &mut budget, &mut |split| {
        for (slot, i) in hidden.iter().enumerate() {
            trial[*i].count = split[slot];
        }
        if mean(&trial) == Some(true_mean) && median(&trial) == Some(true_median) {
            for (slot, v) in split.iter().enumerate() {
                seen[slot].insert(*v);
            }
        }
    });
    finished && seen.iter().all(|values| values.len() >= 2)
}

/// Whether an earlier release's mean (over `old`) and this one's (over `new`) leave the
/// answers added in between undetermined: their number is 0 or at least `k`, and no
/// count of them per value that is not shown in both can be worked out from the two
/// means and the counts both releases show.
pub fn change_holds(old: &[Scaled], new: &[Scaled], k: u64) -> bool {
    let old_n: u64 = old.iter().map(|c| c.count).sum();
    let new_n: u64 = new.iter().map(|c| c.count).sum();
    let added = new_n.saturating_sub(old_n);
    if added == 0 {
        return old == new;
    }
    if added < k || old.len() != new.len() {
        return false;
    }
    let delta: Vec<Scaled> = old
        .iter()
        .zip(new)
        .map(|(o, n)| Scaled {
            value: n.value,
            count: n.count.saturating_sub(o.count),
            published: o.published && n.published,
            floor: 0,
        })
        .collect();
    let target: i64 = delta.iter().map(|c| c.value * c.count as i64).sum();
    let hidden: Vec<usize> = (0..delta.len()).filter(|i| !delta[*i].published).collect();
    if hidden.is_empty() {
        return delta.iter().all(|c| c.count == 0 || c.count >= k);
    }
    let hidden_total: u64 = hidden.iter().map(|i| delta[*i].count).sum();
    let shown_sum: i64 = delta
        .iter()
        .filter(|c| c.published)
        .map(|c| c.value * c.count as i64)
        .sum();
    let mut seen: Vec<std::collections::BTreeSet<u64>> = vec![Default::default(); hidden.len()];
    let mut budget = BUDGET;
    let floors = vec![0; hidden.len()];
    let finished = splits(&floors, hidden_total, &mut budget, &mut |split| {
        let sum: i64 = hidden
            .iter()
            .zip(split)
            .map(|(i, v)| delta[*i].value * *v as i64)
            .sum();
        if sum + shown_sum == target {
            for (slot, v) in split.iter().enumerate() {
                seen[slot].insert(*v);
            }
        }
    });
    finished && seen.iter().all(|values| values.len() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(counts: &[u64], shown: &[bool]) -> Vec<Scaled> {
        counts
            .iter()
            .zip(shown)
            .enumerate()
            .map(|(i, (c, s))| Scaled {
                value: i as i64 + 1,
                count: *c,
                published: *s,
                floor: 0,
            })
            .collect()
    }

    #[test]
    fn mean_and_median_of_a_distribution() {
        let cells = scale(&[3, 6, 11, 6, 3], &[true; 5]);
        assert_eq!(mean(&cells), Some(3.0));
        assert_eq!(median(&cells), Some(3.0));
        assert_eq!(median(&scale(&[1, 1, 0, 0, 0], &[true; 5])), Some(1.5));
    }

    #[test]
    fn a_mean_that_pins_a_withheld_count_is_not_shown() {
        // 20 threes shown, one withheld 5: the mean gives the sum, the sum gives the 5.
        let cells = scale(&[0, 0, 20, 0, 1], &[false, false, true, false, false]);
        assert!(!summary_holds(&cells));
        // Everyone rated 5: the mean alone tells every answer.
        assert!(!summary_holds(&scale(
            &[0, 0, 0, 0, 6],
            &[false, false, false, false, true]
        )));
        // Withheld cells that can trade places keep it safe.
        let spread = scale(&[2, 2, 20, 2, 2], &[false, false, true, false, false]);
        assert!(summary_holds(&spread));
    }

    #[test]
    fn one_added_rating_never_shows_through_two_means() {
        let old = scale(&[5, 5, 10, 5, 5], &[true; 5]);
        let new = scale(&[5, 5, 10, 5, 6], &[false; 5]);
        assert!(!change_holds(&old, &new, 5));
    }
}
