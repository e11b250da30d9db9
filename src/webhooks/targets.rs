//! Where a webhook may point. An endpoint is a URL of the public internet: https, no
//! credentials in it, and a host whose every address is public. The URL is checked at
//! registration, and again before each delivery against the addresses its name resolves
//! to then (a name can be re-pointed at an internal address after registration), and the
//! delivery connects to exactly those checked addresses.

use crate::error::{AppError, AppResult};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use url::{Host, Url};

/// The longest URL accepted.
pub const MAX_URL_CHARS: usize = 2048;
/// How long resolving a name may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// What targets are allowed besides public https ones.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetPolicy {
    /// Private, loopback and other non-public addresses, and plain http (development
    /// and tests).
    pub allow_private: bool,
}

/// Checks a URL given at registration; the field error says what is wrong.
pub fn parse(text: &str, policy: TargetPolicy) -> AppResult<Url> {
    let refuse = |code: &str, message: &str| AppError::invalid("url", code, message.to_owned());
    if text.chars().count() > MAX_URL_CHARS {
        return Err(refuse(
            "TOO_LONG",
            &format!("at most {MAX_URL_CHARS} characters"),
        ));
    }
    if text.trim().is_empty() {
        return Err(refuse("REQUIRED", "must not be empty"));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse(
            "INVALID",
            "must not contain spaces or control characters",
        ));
    }
    let url = Url::parse(text).map_err(|e| refuse("INVALID", &format!("not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_private => {}
        _ => return Err(refuse("INSECURE_URL", "must be an https URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("INVALID", "must not carry a user name or password"));
    }
    if url.fragment().is_some() {
        return Err(refuse("INVALID", "must not have a fragment (#…)"));
    }
    if url.port() == Some(0) {
        return Err(refuse("INVALID", "port 0 is not a port"));
    }
    match url.host() {
        None => return Err(refuse("INVALID", "must name a host")),
        Some(Host::Ipv4(ip)) => {
            check_address(IpAddr::V4(ip), policy).map_err(|m| refuse("FORBIDDEN_TARGET", &m))?
        }
        Some(Host::Ipv6(ip)) => {
            check_address(IpAddr::V6(ip), policy).map_err(|m| refuse("FORBIDDEN_TARGET", &m))?
        }
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            let local = name == "localhost"
                || name.ends_with(".localhost")
                || name.ends_with(".local")
                || name.ends_with(".internal")
                || !name.contains('.');
            if local && !policy.allow_private {
                return Err(refuse(
                    "FORBIDDEN_TARGET",
                    &format!("{name} is not a public host name"),
                ));
            }
        }
    }
    Ok(url)
}

/// The addresses to connect to for a delivery: the URL's host resolved now, every
/// address checked. Fails (with a reason for the endpoint's `lastError`) when the name
/// does not resolve or any of its addresses is not allowed.
pub async fn resolve(url: &Url, policy: TargetPolicy) -> Result<Vec<SocketAddr>, String> {
    let port = url
        .port_or_known_default()
        .ok_or_else(|| "the URL has no port".to_owned())?;
    let addresses: Vec<SocketAddr> = match url.host() {
        None => return Err("the URL has no host".to_owned()),
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => {
            match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name, port))).await
            {
                Ok(Ok(found)) => found.collect(),
                Ok(Err(e)) => return Err(format!("{name} does not resolve: {e}")),
                Err(_) => return Err(format!("resolving {name} timed out")),
            }
        }
    };
    if addresses.is_empty() {
        return Err("the host has no address".to_owned());
    }
    for address in &addresses {
        check_address(address.ip(), policy)?;
    }
    Ok(addresses)
}

/// Refuses an address that is not on the public internet, unless the policy allows it.
pub fn check_address(ip: IpAddr, policy: TargetPolicy) -> Result<(), String> {
    if policy.allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(format!("{ip} is not a public address"))
    }
}

/// Whether an address is on the public internet: not loopback, private, link-local,
/// shared (CGNAT), multicast, unspecified, reserved or for documentation, and not an
/// IPv6 form that embeds an IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, network: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(network)) & mask
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    const NOT_PUBLIC: [([u8; 4], u32); 16] = [
        ([0, 0, 0, 0], 8),       // "this network", unspecified
        ([10, 0, 0, 0], 8),      // private
        ([100, 64, 0, 0], 10),   // shared address space (CGNAT)
        ([127, 0, 0, 0], 8),     // loopback
        ([169, 254, 0, 0], 16),  // link-local, cloud metadata
        ([172, 16, 0, 0], 12),   // private
        ([192, 0, 0, 0], 24),    // IETF protocol assignments
        ([192, 0, 2, 0], 24),    // documentation
        ([192, 88, 99, 0], 24),  // 6to4 relay anycast
        ([192, 168, 0, 0], 16),  // private
        ([198, 18, 0, 0], 15),   // benchmarking
        ([198, 51, 100, 0], 24), // documentation
        ([203, 0, 113, 0], 24),  // documentation
        ([224, 0, 0, 0], 4),     // multicast
        ([240, 0, 0, 0], 4),     // reserved, broadcast
        ([255, 255, 255, 255], 32),
    ];
    !NOT_PUBLIC
        .iter()
        .any(|(network, prefix)| in_v4(ip, *network, *prefix))
}

fn in_v6(ip: Ipv6Addr, network: [u16; 8], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(network)) & mask
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // Only global unicast (2000::/3) is public at all.
    if !in_v6(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3) {
        return false;
    }
    const NOT_PUBLIC: [([u16; 8], u32); 6] = [
        ([0x2001, 0, 0, 0, 0, 0, 0, 0], 32),     // Teredo (embeds IPv4)
        ([0x2001, 0x2, 0, 0, 0, 0, 0, 0], 48),   // benchmarking
        ([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28),  // ORCHID
        ([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28),  // ORCHIDv2
        ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), // documentation
        ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16),     // 6to4 (embeds IPv4)
    ];
    !NOT_PUBLIC
        .iter()
        .any(|(network, prefix)| in_v6(ip, *network, *prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().expect("an address"))
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "2002:7f00:1::1",
            "2001:0:4136:e378::1",
        ] {
            assert!(!public(address), "{address} passed as public");
        }
    }

    #[test]
    fn public_addresses_are_public() {
        for address in ["8.8.8.8", "193.10.1.1", "172.32.0.1", "2a00:1450:4001::1"] {
            assert!(public(address), "{address} refused");
        }
    }

    #[test]
    fn urls_are_checked_at_registration() {
        let strict = TargetPolicy::default();
        for url in [
            "http://example.com/hook",
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://2130706433/hook",
            "https://0x7f.1/hook",
            "https://10.0.0.1/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://localhost/hook",
            "https://intranet/hook",
            "https://user:pw@example.com/hook",
            "ftp://example.com/hook",
            "not a url",
        ] {
            assert!(parse(url, strict).is_err(), "{url} accepted");
        }
        assert!(parse("https://hooks.example.se/cemr?x=1", strict).is_ok());
        let relaxed = TargetPolicy {
            allow_private: true,
        };
        assert!(parse("http://127.0.0.1:8080/hook", relaxed).is_ok());
    }
}
