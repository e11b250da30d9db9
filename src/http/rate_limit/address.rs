//! The client address that rate limits and login throttling count by. Behind a proxy
//! (`TRUST_FORWARDED_FOR`), it is the address the proxy itself saw: the last entry of
//! `X-Forwarded-For` (or of `Forwarded`), since a client can write any entries before
//! it. IPv6 clients are counted by their /64 network, which one client usually holds
//! whole, so rotating addresses inside it gives no fresh budget.

use actix_web::http::header::HeaderMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The address a request is counted by, e.g. `203.0.113.7` or `2001:db8:1:2::/64`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub String);

impl ClientAddress {
    /// The address of a request.
    pub fn of(headers: &HeaderMap, peer: Option<SocketAddr>, trust_forwarded: bool) -> Self {
        let forwarded = trust_forwarded
            .then(|| last_forwarded_for(headers).or_else(|| last_forwarded(headers)))
            .flatten();
        match forwarded.or_else(|| peer.map(|p| p.ip())) {
            Some(ip) => Self(counted(ip)),
            None => Self("unknown".to_owned()),
        }
    }
}

fn counted(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let network = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{network}/64")
            }
        },
    }
}

fn parse(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|t| t.split_once(']'))
                .and_then(|(ip, _)| ip.parse().ok())
        })
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let values: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    let last = values.last()?.rsplit(',').next()?;
    parse(last)
}

fn last_forwarded(headers: &HeaderMap) -> Option<IpAddr> {
    let values: Vec<&str> = headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .collect();
    let last = values.last()?.rsplit(',').next()?;
    last.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse(value))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn peer() -> Option<SocketAddr> {
        "10.0.0.1:5000".parse().ok()
    }

    #[test]
    fn the_proxys_own_entry_counts_not_what_the_client_wrote() {
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.9")]);
        assert_eq!(ClientAddress::of(&h, peer(), true).0, "198.51.100.9");
        assert_eq!(ClientAddress::of(&h, peer(), false).0, "10.0.0.1");
        let h = headers(&[(
            "forwarded",
            "for=1.2.3.4, for=\"[2001:db8::1]:4711\";proto=https",
        )]);
        assert_eq!(ClientAddress::of(&h, peer(), true).0, "2001:db8::/64");
        let h = headers(&[("x-forwarded-for", "garbage")]);
        assert_eq!(ClientAddress::of(&h, peer(), true).0, "10.0.0.1");
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        let a = headers(&[("x-forwarded-for", "2001:db8:1:2:aaaa::1")]);
        let b = headers(&[("x-forwarded-for", "2001:db8:1:2:bbbb::9")]);
        assert_eq!(
            ClientAddress::of(&a, peer(), true),
            ClientAddress::of(&b, peer(), true)
        );
        let mapped = headers(&[("x-forwarded-for", "::ffff:192.0.2.1")]);
        assert_eq!(ClientAddress::of(&mapped, peer(), true).0, "192.0.2.1");
    }
}
