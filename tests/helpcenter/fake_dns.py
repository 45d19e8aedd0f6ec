"""A stand-in for `dns.resolver.Resolver` at the internet's edge: answers built from recorded DNS responses.

Each zone entry is what a real resolver answered (the text form of the response message, as `dig` prints
it); `resolve()` turns it into a real `dns.resolver.Answer`, or raises what dnspython raises for NXDOMAIN,
an empty answer or a timeout, so the code under test reads exactly what it reads in production.
"""
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.resolver

TIMEOUT = "timeout"


def response(qname, rdtype, *answers, rcode="NOERROR"):
    """A response message as recorded: `answers` are zone-file lines such as 'help.acme.example. 300 IN CNAME x.'."""
    text = "\n".join(["id 4242", "opcode QUERY", f"rcode {rcode}", "flags QR RD RA", ";QUESTION",
                      f"{qname}. IN {rdtype}", ";ANSWER", *answers, ";AUTHORITY", ";ADDITIONAL"])
    return dns.message.from_text(text)


class FakeResolver:
    """`records` maps (name, type) to the zone lines of the answer, or to TIMEOUT; missing names are NXDOMAIN."""

    def __init__(self, records=None):
        self.records = dict(records or {})
        self.asked = []

    def resolve(self, qname, rdtype="A", rdclass="IN", tcp=False, source=None, raise_on_no_answer=True,
                source_port=0, lifetime=None, search=None):
        name = str(qname).rstrip(".").lower()
        self.asked.append((name, rdtype, lifetime))
        found = self.records.get((name, rdtype))
        if found == TIMEOUT:
            raise dns.resolver.LifetimeTimeout(timeout=lifetime or 5.0, errors=[])
        qname = dns.name.from_text(name)
        if found is None:
            if any(key[0] == name for key in self.records):  # the name exists, with other types only
                raise dns.resolver.NoAnswer(response=response(name, rdtype))
            raise dns.resolver.NXDOMAIN(qnames=[qname], responses={qname: response(name, rdtype, rcode="NXDOMAIN")})
        message = response(name, rdtype, *found)
        return dns.resolver.Answer(qname, dns.rdatatype.from_text(rdtype), dns.rdataclass.IN, message)


def verified_zone(host, token, target="localhost"):
    """What DNS answers once both records are in place."""
    return {(f"_helpdesk-verify.{host}", "TXT"): [f'_helpdesk-verify.{host}. 300 IN TXT "{token}"'],
            (host, "CNAME"): [f"{host}. 300 IN CNAME {target}."]}
