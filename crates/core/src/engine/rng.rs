//! Seeded randomness. Each random draw is made from its own ChaCha8 stream, keyed by
//! the exercise seed and what the draw is about, so that resuming a journal, or
//! resolving actions in a different process, draws exactly the same numbers.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

/// A deterministic stream for one purpose (`what`) in one round.
pub fn stream(seed: u64, round: u8, what: u64) -> ChaCha8Rng {
    let key = splitmix(seed ^ splitmix(((round as u64) << 56) ^ what));
    ChaCha8Rng::seed_from_u64(key)
}

/// True with the given percentage.
pub fn chance(seed: u64, round: u8, what: u64, percent: u32) -> bool {
    stream(seed, round, what).next_u32() % 100 < percent
}

/// A uniform index below `n` (n > 0).
pub fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    debug_assert!(n > 0);
    (rng.next_u64() % n as u64) as usize
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_draw_and_rates_are_plausible() {
        assert_eq!(chance(7, 2, 99, 50), chance(7, 2, 99, 50));
        let hits = (0..10_000u64).filter(|w| chance(1, 1, *w, 60)).count();
        assert!((5_500..6_500).contains(&hits), "{hits}");
    }
}
