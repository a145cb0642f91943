//! stress: CPU and memory work done in the handler itself, as every target does.

use axum::Json;
use serde::Serialize;

use crate::common::{
    error::ApiError,
    params::{self, Check},
    path::PathParams,
};

#[derive(Serialize)]
pub struct Primes {
    n: i64,
    primes: u32,
}

/// `GET /stress/cpu/{n}`, n 1…1,000,000: the primes below n, by trial division.
pub async fn cpu(PathParams(n): PathParams<String>) -> Result<Json<Primes>, ApiError> {
    let mut check = Check::default();
    let n = check.param("n", &n, params::digits(1, 1_000_000));
    check.finish()?;
    Ok(Json(Primes {
        n,
        primes: count_primes_below(n as u64),
    }))
}

/// The contract's trial division, step for step: odd divisors up to √k.
fn count_primes_below(n: u64) -> u32 {
    let mut count = 0;
    for k in 2..n {
        if k == 2 {
            count += 1;
            continue;
        }
        if k % 2 == 0 {
            continue;
        }
        let mut d = 3;
        let mut prime = true;
        while d * d <= k {
            if k % d == 0 {
                prime = false;
                break;
            }
            d += 2;
        }
        if prime {
            count += 1;
        }
    }
    count
}

#[derive(Serialize)]
pub struct Pages {
    mb: i64,
    pages: usize,
}

const PAGE: usize = 4096;

/// `GET /stress/memory/{mb}`, mb 1…256: allocate mb MiB, write one byte in every 4 KiB page,
/// count the writes, release it all.
pub async fn memory(PathParams(mb): PathParams<String>) -> Result<Json<Pages>, ApiError> {
    let mut check = Check::default();
    let mb = check.param("mb", &mb, params::digits(1, 256));
    check.finish()?;
    let mut block = vec![0u8; (mb as usize) << 20];
    let mut pages = 0;
    for offset in (0..block.len()).step_by(PAGE) {
        block[offset] = 1;
        pages += 1;
    }
    // Keeps the optimiser from proving the writes unobservable and dropping them.
    std::hint::black_box(&mut block);
    Ok(Json(Pages { mb, pages }))
}
