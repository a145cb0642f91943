//! Short codes: 7 base62 characters, new ones drawn from the OS CSPRNG by rejection sampling.

/// The base62 alphabet, in the seed's digit order.
pub const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const CODE_LENGTH: usize = 7;
/// 62 × 4: bytes at or above it are discarded, so `byte % 62` is uniform.
const ACCEPT_BELOW: u8 = 248;

/// `^[0-9A-Za-z]{7}$`
pub fn is_code(text: &str) -> bool {
    text.len() == CODE_LENGTH && text.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// A fresh code: 7 unbiased base62 characters from the OS CSPRNG.
pub fn new_code() -> String {
    let mut code = String::with_capacity(CODE_LENGTH);
    // 7 needed; 16 makes a refill rare (a byte is discarded with probability 8/256).
    let mut bytes = [0u8; 16];
    while code.len() < CODE_LENGTH {
        getrandom::fill(&mut bytes).expect("the OS random source");
        for &byte in &bytes {
            if byte >= ACCEPT_BELOW {
                continue;
            }
            code.push(ALPHABET[usize::from(byte % 62)] as char);
            if code.len() == CODE_LENGTH {
                break;
            }
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_codes_are_codes() {
        for _ in 0..1000 {
            assert!(is_code(&new_code()));
        }
    }

    #[test]
    fn only_seven_base62_characters_are_codes() {
        assert!(is_code("celeb01"));
        assert!(is_code("NoSuch1"));
        for bad in ["abcdef", "abcdefgh", "abc-efg", "abc_efg", "abcdéf", ""] {
            assert!(!is_code(bad), "{bad}");
        }
    }
}
