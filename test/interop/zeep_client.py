#!/usr/bin/env python3
"""Generic zeep driver for the Customer Billing v13 interop tests.

Usage (the Debian python, which has zeep):

    /usr/bin/python3 test/interop/zeep_client.py <wsdl path> <endpoint url> <operation> <json>

<json> is {"headers": {"AuthenticationToken": "...", "DeveloperToken": "...", ...},
           "body": {...the request element's fields, as zeep expects them...}}

The client is built from the given WSDL (the official one) with zeep's default strict mode, so zeep rejects
responses that do not match the schema (wrong namespace, wrong order, undeclared prefix, bad lexical value).
The endpoint is overridden with client.create_service(<binding QName>, <endpoint>).

Headers: a header declared in the WSDL's Billing schema (AuthenticationToken, DeveloperToken, UserName, Password,
ApplicationToken) is built from its element declaration; any other name (CustomerId, CustomerAccountId, ...) is
sent as a plain element in the Billing namespace. A null value is sent as xsi:nil, "" as an empty element.

Prints exactly one JSON document on stdout and exits 0:
  {"ok": true, "result": <the response element's content>, "trackingId": <TrackingId SOAP header or null>}
  {"ok": false, "faultcode": ..., "faultstring": ..., "codes": [...], "detailRoot": "{ns}local" | null,
   "trackingId": <TrackingId child of the detail element, or null>, "headerTrackingId": <SOAP header or null>}
  {"ok": false, "error": "<ExceptionType>: <message>"}          (anything else, e.g. a schema violation)
JSON conversion: datetimes/dates/times in ISO 8601 (with the offset zeep parsed), Decimals as strings, integers
outside +-(2**53 - 1) as decimal strings (JSON readers in JavaScript would round them), non-finite doubles as
"NaN"/"INF"/"-INF", bytes as base64.
"""

import base64
import datetime
import decimal
import json
import math
import sys

BILLING_NS = "https://bingads.microsoft.com/Billing/v13"
ADAPI_NS = "https://adapi.microsoft.com"
EXCEPTION_NS = "https://bingads.microsoft.com/Customer/v13/Exception"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
BINDING = "{%s}BasicHttpBinding_ICustomerBillingService" % BILLING_NS
# Error-list items whose <Code> (in the item's own namespace) is collected from a fault detail.
CODE_PARENTS = {
    "{%s}AdApiError" % ADAPI_NS,
    "{%s}OperationError" % EXCEPTION_NS,
    "{%s}BatchError" % EXCEPTION_NS,
}
MAX_SAFE_INTEGER = 2**53 - 1


def emit(document):
    sys.stdout.write(json.dumps(document, allow_nan=False))
    sys.stdout.write("\n")
    sys.stdout.flush()


def json_safe(value):
    from lxml import etree

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        import isodate

        return isodate.duration_isoformat(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, etree._Element):
        return etree.tostring(value, encoding="unicode")
    try:
        import isodate

        if isinstance(value, isodate.Duration):
            return isodate.duration_isoformat(value)
    except ImportError:
        pass
    return str(value)


def build_headers(client, headers):
    """One header element per entry, all in the Billing namespace."""
    from lxml import etree

    rendered = []
    for name, value in headers.items():
        qname = "{%s}%s" % (BILLING_NS, name)
        try:
            element = client.get_element(qname)
        except Exception:  # not declared in the WSDL: send it as a plain element
            element = None
        if element is not None:
            node = etree.Element("holder")
            element.render(node, value)
            rendered.extend(node)
        else:
            node = etree.Element(qname)
            if value is None:
                node.set("{%s}nil" % XSI_NS, "true")
            else:
                node.text = value if isinstance(value, str) else json.dumps(value)
            rendered.append(node)
    return rendered


def unwrap_result(result):
    """The response element's content from zeep's return value.

    With a response header declared (TrackingId), zeep returns the whole envelope as {body, header};
    body holds the message parts ({"parameters": <response element>}).
    """
    from zeep.helpers import serialize_object

    tracking_id = None
    body = result
    if result is not None and hasattr(result, "body") and hasattr(result, "header"):
        header = result.header
        if header is not None and "TrackingId" in header:
            tracking_id = header["TrackingId"]
        body = result.body
    serialized = serialize_object(body)
    if isinstance(serialized, dict) and list(serialized.keys()) == ["parameters"]:
        serialized = serialized["parameters"]
    return serialized, tracking_id


def local_qname(element):
    from lxml import etree

    return "{%s}%s" % (etree.QName(element).namespace or "", etree.QName(element).localname)


def header_tracking_id(envelope):
    if envelope is None:
        return None
    found = envelope.find(
        "{http://schemas.xmlsoap.org/soap/envelope/}Header/{%s}TrackingId" % BILLING_NS
    )
    return None if found is None else (found.text or "")


def fault_document(fault, envelope):
    from lxml import etree

    detail = fault.detail
    children = []
    if detail is not None and isinstance(detail, etree._Element):
        children = [c for c in detail if isinstance(c.tag, str)]
    root = children[0] if len(children) == 1 else None
    codes = []
    for element in detail.iter() if children else []:
        if not isinstance(element.tag, str):
            continue
        parent = element.getparent()
        if parent is None or parent.tag not in CODE_PARENTS:
            continue
        if element.tag != "{%s}Code" % etree.QName(parent).namespace:
            continue
        try:
            codes.append(int((element.text or "").strip()))
        except ValueError:
            pass
    tracking = None
    if root is not None:
        found = root.find("{%s}TrackingId" % ADAPI_NS)
        if found is not None:
            tracking = found.text or ""
    return {
        "ok": False,
        "faultcode": fault.code,
        "faultstring": fault.message,
        "codes": codes,
        "detailRoot": local_qname(root) if root is not None else None,
        "detailChildren": [local_qname(c) for c in children],
        "trackingId": tracking,
        "headerTrackingId": header_tracking_id(envelope),
    }


def main(argv):
    if len(argv) != 5:
        emit({"ok": False, "error": "UsageError: zeep_client.py <wsdl> <endpoint> <operation> <json>"})
        return 0
    _, wsdl, endpoint, operation, payload = argv
    history = None
    try:
        import zeep
        from zeep.plugins import HistoryPlugin
        from zeep.transports import Transport

        request = json.loads(payload)
        history = HistoryPlugin()
        client = zeep.Client(
            wsdl,
            transport=Transport(timeout=30, operation_timeout=60),
            plugins=[history],
        )
        service = client.create_service(BINDING, endpoint)
        headers = build_headers(client, request.get("headers") or {})
        body = request.get("body") or {}
        try:
            result = service[operation](**body, _soapheaders=headers)
        except zeep.exceptions.Fault as fault:
            envelope = history.last_received["envelope"] if history.last_received else None
            emit(fault_document(fault, envelope))
            return 0
        serialized, tracking_id = unwrap_result(result)
        emit({"ok": True, "result": json_safe(serialized), "trackingId": tracking_id})
    except Exception as exc:  # the test decides what an exception means
        emit({"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
