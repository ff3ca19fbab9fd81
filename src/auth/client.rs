//! Who is on the other end: the client's address (from `X-Forwarded-For` / `Forwarded` only when the peer is a
//! trusted proxy), and the key per-address limits count under.

use std::net::{IpAddr, Ipv6Addr};

use axum::http::HeaderMap;

/// A block of addresses, such as `10.0.0.0/8` or `2001:db8::/32`; a bare address is a block of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.trim().parse::<IpAddr>().ok()?, Some(p.trim().parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then(|| Cidr { network: mask(addr, prefix), prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.prefix) == self.network
    }
}

/// Parses a comma-separated list of blocks (`TRIBUTARY_TRUSTED_PROXIES`); the first entry that is not one is named.
pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Cidr::parse(s).ok_or_else(|| s.to_string()))
        .collect()
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix.min(32))) };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix.min(128))) };
            IpAddr::V6(Ipv6Addr::from(bits & m))
        }
    }
}

/// IPv4 peers reached over an IPv6 socket (`::ffff:a.b.c.d`) are IPv4 peers.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy; then the right-most address of the
/// forwarding chain that is not itself a trusted proxy (what comes before it could be made up by the client).
/// `X-Forwarded-For` is read when present, otherwise `Forwarded`.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[Cidr]) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let chain = forwarded_for(headers);
    let mut client = peer;
    for hop in chain.iter().rev() {
        // A hop that is not an address (`unknown`, an obfuscated name, garbage) ends what can be believed.
        let Some(ip) = hop else { break };
        client = canonical(*ip);
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

/// The addresses of the forwarding chain, left (the original client, as claimed) to right (the last proxy's peer).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
    };
    let xff = values("x-forwarded-for");
    if !xff.is_empty() {
        return xff.iter().flat_map(|v| v.split(',')).map(|hop| parse_hop(hop.trim())).collect();
    }
    values("forwarded")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|element| {
            let node = element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then(|| v.trim().trim_matches('"').to_string())
            });
            node.and_then(|n| parse_hop(&n))
        })
        .collect()
}

/// One node of a chain: `1.2.3.4`, `1.2.3.4:567`, `2001:db8::1` or `[2001:db8::1]:567`.
fn parse_hop(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = node.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The key per-address limits count under: the address itself for IPv4, its /64 for IPv6 (one subscriber usually
/// holds a whole /64, and could otherwise take a fresh address for every attempt).
pub fn address_key(ip: Option<IpAddr>) -> String {
    match ip.map(canonical) {
        None => "unknown".into(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(v6) => format!("{}/64", mask(v6, 64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_contain_their_addresses_only() {
        let net = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.255.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "an IPv4 peer over an IPv6 socket");
        let one = Cidr::parse("192.0.2.7").unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.1.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("203.0.113.1")));
    }

    #[test]
    fn malformed_blocks_are_named() {
        assert_eq!(parse_list("10.0.0.0/8, ::1 ,").unwrap().len(), 2);
        assert_eq!(parse_list("10.0.0.0/8, 10.0.0.0/33"), Err("10.0.0.0/33".to_string()));
        assert_eq!(parse_list("proxy.example"), Err("proxy.example".to_string()));
        assert_eq!(parse_list(""), Ok(vec![]));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let h = headers(&[("x-forwarded-for", "198.51.100.1"), ("forwarded", "for=198.51.100.2")]);
        assert_eq!(client_ip(Some(ip("203.0.113.9")), &h, &[]), Some(ip("203.0.113.9")));
        let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
        assert_eq!(client_ip(Some(ip("203.0.113.9")), &h, &trusted), Some(ip("203.0.113.9")));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_is_the_client() {
        let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
        // The client made up the first entry; the proxy appended the address it saw.
        let h = headers(&[("x-forwarded-for", "192.0.2.66, 198.51.100.7, 10.0.0.3")]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("198.51.100.7")));
        let h = headers(&[("x-forwarded-for", "192.0.2.66"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("198.51.100.7")));
        let h = headers(&[("forwarded", r#"for=192.0.2.66, for="[2001:db8::5]:4711";proto=https"#)]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("2001:db8::5")));
        let h = headers(&[("forwarded", "for=198.51.100.7:443")]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("198.51.100.7")));
    }

    #[test]
    fn without_a_believable_forwarded_address_the_proxy_is_the_client() {
        let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &HeaderMap::new(), &trusted), Some(ip("10.0.0.2")));
        let h = headers(&[("x-forwarded-for", "192.0.2.66, unknown")]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("10.0.0.2")));
        // Only proxies all the way: the left-most of them.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.3")]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("10.9.9.9")));
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_block() {
        assert_eq!(address_key(Some(ip("2001:db8:1:2:aaaa::1"))), "2001:db8:1:2::/64");
        assert_eq!(address_key(Some(ip("2001:db8:1:2:bbbb::9"))), address_key(Some(ip("2001:db8:1:2::1"))));
        assert_ne!(address_key(Some(ip("2001:db8:1:3::1"))), address_key(Some(ip("2001:db8:1:2::1"))));
        assert_eq!(address_key(Some(ip("198.51.100.7"))), "198.51.100.7");
        assert_eq!(address_key(Some(ip("::ffff:198.51.100.7"))), "198.51.100.7");
        assert_eq!(address_key(None), "unknown");
    }
}
