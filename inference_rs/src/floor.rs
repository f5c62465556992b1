//! The floor of the batch table (`measure_all.py`, the "limit" row): the multiply-adds
//! of the forward pass at the full speed of the CPU's vector units, on every thread the
//! Rust stages use. It computes no answer: it is what any correct version must pay for
//! the arithmetic alone, with the data already in registers (no loads, no activation,
//! no softmax).

/// Independent chains of multiply-adds: one FMA takes about 4 cycles and two can start
/// every cycle, so 8 or more chains in flight keep both units busy.
const CHAINS: usize = 12;

/// The number of f32 multiply-adds (weights times inputs) that the dense layers of an
/// MLP with these layer sizes do for `rows` rows, e.g. `[64, 64, 32, 10]`.
pub fn forward_multiply_adds(layer_sizes: &[usize], rows: usize) -> u64 {
    let per_row: usize = layer_sizes.windows(2).map(|pair| pair[0] * pair[1]).sum();
    per_row as u64 * rows as u64
}

/// Runs at least `count` f32 multiply-adds (rounded up to whole rounds of the kernel),
/// split over `threads` rayon tasks, with the widest fused multiply-add the CPU has
/// (AVX-512: 16 floats per instruction, AVX2: 8), as the hand-written stage does.
/// Returns a checksum of the accumulators so that the work cannot be optimised away.
pub fn multiply_adds(count: u64, threads: usize) -> f32 {
    use rayon::prelude::*;
    let threads = threads.max(1) as u64;
    (0..threads)
        .into_par_iter()
        .map(|t| multiply_adds_here(count / threads + u64::from(t < count % threads)))
        .sum()
}

/// [`multiply_adds`] on the calling thread.
fn multiply_adds_here(count: u64) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma") {
            return kernel_avx512(count.div_ceil((CHAINS * 16) as u64));
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            return kernel_avx2(count.div_ceil((CHAINS * 8) as u64));
        }
    }
    kernel::<8>(count.div_ceil((CHAINS * 8) as u64))
}

// The two x86 kernels name their instructions (one register per chain, 12 chains kept in
// registers): left to itself, LLVM turned the portable loop's accumulator array into
// gathers and scatters through memory on AVX-512, fifty times slower than the FMA units.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn kernel_avx2(rounds: u64) -> f32 {
    use std::arch::x86_64::*;
    #[target_feature(enable = "avx2,fma")]
    fn with_avx2(rounds: u64) -> f32 {
        let w = _mm256_set1_ps(std::hint::black_box(0.999_9f32));
        let x = _mm256_set1_ps(std::hint::black_box(1.0e-4f32));
        let mut acc = [_mm256_set1_ps(1.0); CHAINS];
        for _ in 0..rounds {
            for chain in acc.iter_mut() {
                *chain = _mm256_fmadd_ps(*chain, w, x);
            }
        }
        let mut lanes = [0.0f32; 8];
        let mut total = 0.0;
        for chain in acc {
            // SAFETY: `lanes` holds 8 floats, the width of one register.
            unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), chain) };
            total += lanes.iter().sum::<f32>();
        }
        total
    }
    // SAFETY: the only requirement of `with_avx2` is a CPU with AVX2 and FMA, which
    // `multiply_adds_here` has checked with `is_x86_feature_detected!`.
    unsafe { with_avx2(rounds) }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn kernel_avx512(rounds: u64) -> f32 {
    use std::arch::x86_64::*;
    #[target_feature(enable = "avx512f,fma")]
    fn with_avx512(rounds: u64) -> f32 {
        let w = _mm512_set1_ps(std::hint::black_box(0.999_9f32));
        let x = _mm512_set1_ps(std::hint::black_box(1.0e-4f32));
        let mut acc = [_mm512_set1_ps(1.0); CHAINS];
        for _ in 0..rounds {
            for chain in acc.iter_mut() {
                *chain = _mm512_fmadd_ps(*chain, w, x);
            }
        }
        acc.iter().map(|&chain| _mm512_reduce_add_ps(chain)).sum()
    }
    // SAFETY: the only requirement of `with_avx512` is a CPU with AVX-512F and FMA,
    // which `multiply_adds_here` has checked with `is_x86_feature_detected!`.
    unsafe { with_avx512(rounds) }
}

/// `acc = acc * w + x` on CHAINS x LANES accumulators, `rounds` times: the portable
/// kernel (without FMA, `mul_add` is a slow library call, so it multiplies and adds).
fn kernel<const LANES: usize>(rounds: u64) -> f32 {
    let mut acc = [[1.0f32; LANES]; CHAINS];
    // Hidden from the optimiser, so that it cannot fold the loop into a formula.
    let w = std::hint::black_box(0.999_9f32);
    let x = std::hint::black_box(1.0e-4f32);
    for _ in 0..rounds {
        for chain in acc.iter_mut() {
            for value in chain.iter_mut() {
                *value = *value * w + x;
            }
        }
    }
    acc.iter().flatten().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_weights_of_every_layer() {
        assert_eq!(
            forward_multiply_adds(&[64, 64, 32, 10], 1),
            64 * 64 + 64 * 32 + 32 * 10
        );
        assert_eq!(forward_multiply_adds(&[3, 2], 5), 30);
        assert_eq!(forward_multiply_adds(&[7], 5), 0);
    }

    #[test]
    fn the_kernels_keep_a_known_value() {
        // acc = acc * w + x stays at 1.0 when w + x == 1: every accumulator ends near 1,
        // whatever the width, so the checksum is the number of accumulators.
        for lanes in [8usize, 16] {
            let rounds = 1000;
            let sum = if lanes == 8 {
                kernel::<8>(rounds)
            } else {
                kernel::<16>(rounds)
            };
            let accumulators = (CHAINS * lanes) as f32;
            assert!(
                (sum - accumulators).abs() < 0.01 * accumulators,
                "{lanes}: {sum}"
            );
        }
        assert_eq!(kernel::<8>(0), (CHAINS * 8) as f32);
        #[cfg(target_arch = "x86_64")]
        {
            let fma = std::is_x86_feature_detected!("fma");
            if fma && std::is_x86_feature_detected!("avx2") {
                let sum = kernel_avx2(1000);
                assert!((sum - (CHAINS * 8) as f32).abs() < 1.0, "avx2: {sum}");
            }
            if fma && std::is_x86_feature_detected!("avx512f") {
                let sum = kernel_avx512(1000);
                assert!((sum - (CHAINS * 16) as f32).abs() < 1.0, "avx512: {sum}");
            }
        }
    }

    #[test]
    fn the_work_is_shared_by_the_threads() {
        // each thread's checksum is its accumulator count, so the total counts threads
        let one = multiply_adds(1_000_000, 1);
        let three = multiply_adds(1_000_000, 3);
        assert!((three / one - 3.0).abs() < 0.01, "{one} {three}");
    }
}
