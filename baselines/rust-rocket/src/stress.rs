//! stress: CPU and memory work done in the handler itself, on the request's worker thread.

use rocket::get;
use rocket::serde::json::Json;
use serde::Serialize;

use crate::error::{ApiError, refused};
use crate::values::Digits;

#[derive(Serialize)]
pub struct Primes {
    n: Digits<1, 1_000_000>,
    primes: u32,
}

/// `GET /stress/cpu/<n>`, n 1…1,000,000: the primes below n, by trial division.
#[get("/stress/cpu/<n>")]
pub fn cpu(n: Result<Digits<1, 1_000_000>, String>) -> Result<Json<Primes>, ApiError> {
    let n = n.map_err(refused("n"))?;
    let primes = count_primes_below(n.0 as u64);
    Ok(Json(Primes { n, primes }))
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
    mb: Digits<1, 256>,
    pages: usize,
}

const PAGE: usize = 4096;

/// `GET /stress/memory/<mb>`, mb 1…256: allocate mb MiB, write one byte in every 4 KiB page,
/// count the writes, release it all.
#[get("/stress/memory/<mb>")]
pub fn memory(mb: Result<Digits<1, 256>, String>) -> Result<Json<Pages>, ApiError> {
    let mb = mb.map_err(refused("mb"))?;
    let mut block = vec![0u8; (mb.0 as usize) << 20];
    let mut pages = 0;
    for offset in (0..block.len()).step_by(PAGE) {
        block[offset] = 1;
        pages += 1;
    }
    // Keeps the optimiser from proving the writes unobservable and dropping them.
    std::hint::black_box(&mut block);
    Ok(Json(Pages { mb, pages }))
}
