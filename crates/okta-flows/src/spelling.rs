//! How far apart two names are, for the one most likely meant when a name is misspelt (a scope,
//! an admin role). A leaf: it uses nothing of the crate.

/// Levenshtein distance, in characters (without case: scope names differ in case by mistake).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_distance_is_levenshtein_without_case() {
        // The classic example: kitten → sitten → sittin → sitting.
        assert_eq!(super::distance("kitten", "sitting"), 3);
        assert_eq!(super::distance("Okta", "okta"), 0);
        assert_eq!(super::distance("", "abc"), 3);
    }
}
