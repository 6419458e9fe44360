<?php
/**
 * Generic PHP SoapClient driver for the Customer Billing v13 interop tests.
 *
 * Usage: php test/interop/php_client.php <wsdl path> <endpoint url> <operation> <json>
 *
 * <json> is {"headers": {"AuthenticationToken": "...", ...}, "body": {...the request element's fields...}}.
 *
 * The client is built from the given (official) WSDL with location = endpoint, SOAP 1.1, trace and exceptions on,
 * no WSDL cache. Every header the json names is sent as a SoapHeader in the Billing namespace, empty ones included
 * (the Bing Ads PHP SDK always sends all of them); a null value is sent as an empty element. The call is
 * $client->__soapCall($operation, [$body], null, $headers, $outputHeaders).
 *
 * Prints exactly one JSON document on stdout and exits 0:
 *   {"ok": true, "result": <response object>, "trackingId": <TrackingId response header or null>}
 *   {"ok": false, "faultcode": ..., "faultstring": ..., "codes": [...], "detailRoot": "{ns}local" | null,
 *    "trackingId": <detail's TrackingId or null>, "headerTrackingId": <TrackingId response header or null>}
 *   {"ok": false, "error": "<ExceptionClass>: <message>"}
 *
 * How SoapClient shapes results (left as is, so tests see what PHP callers see):
 *  - objects are stdClass, printed as JSON objects;
 *  - a list with ONE item is NOT an array: `Coupons->Coupon` is then the Coupon object itself, with several items
 *    it is an array of objects (unless the SOAP_SINGLE_ELEMENT_ARRAYS feature is set, which the SDK does not set);
 *  - an xsi:nil element is null, an absent element is an absent property;
 *  - xs:dateTime stays the wire string, xs:double is a float, xs:long an int (integers outside +-(2^53-1) are
 *    printed as decimal strings, so JavaScript JSON readers do not round them), xs:boolean a bool.
 *
 * Fault codes are read the way the Bing Ads PHP SDK reads them: from
 * $e->detail->AdApiFaultDetail->Errors->AdApiError, $e->detail->ApiFault->OperationErrors->OperationError and
 * $e->detail->ApiBatchFault->BatchErrors->BatchError (and its OperationErrors), each one object or an array.
 * SoapFault does not keep namespaces, so detailRoot is read (namespace-aware) from the raw response.
 */

const BILLING_NS = 'https://bingads.microsoft.com/Billing/v13';
const ADAPI_NS = 'https://adapi.microsoft.com';
const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const MAX_SAFE_INTEGER = 9007199254740991;

function emit(array $document): void
{
    echo json_encode($document, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION
        | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
}

/** stdClass → associative arrays (JSON objects), big integers → strings, non-finite floats → strings. */
function json_safe($value)
{
    if (is_object($value)) {
        $value = get_object_vars($value);
        $out = [];
        foreach ($value as $k => $v) {
            $out[$k] = json_safe($v);
        }
        return (object) $out;
    }
    if (is_array($value)) {
        return array_map('json_safe', $value);
    }
    if (is_int($value) && abs($value) > MAX_SAFE_INTEGER) {
        return (string) $value;
    }
    if (is_float($value) && !is_finite($value)) {
        return is_nan($value) ? 'NaN' : ($value > 0 ? 'INF' : '-INF');
    }
    return $value;
}

/** One object or an array of them (SoapClient's single-item quirk) → a list. */
function as_list($value): array
{
    if ($value === null) {
        return [];
    }
    return is_array($value) ? $value : [$value];
}

function codes_from_detail($detail): array
{
    $codes = [];
    if (!is_object($detail)) {
        return $codes;
    }
    $lists = [];
    if (isset($detail->AdApiFaultDetail->Errors->AdApiError)) {
        $lists[] = $detail->AdApiFaultDetail->Errors->AdApiError;
    }
    if (isset($detail->ApiFault->OperationErrors->OperationError)) {
        $lists[] = $detail->ApiFault->OperationErrors->OperationError;
    }
    if (isset($detail->ApiBatchFault->OperationErrors->OperationError)) {
        $lists[] = $detail->ApiBatchFault->OperationErrors->OperationError;
    }
    if (isset($detail->ApiBatchFault->BatchErrors->BatchError)) {
        $lists[] = $detail->ApiBatchFault->BatchErrors->BatchError;
    }
    foreach ($lists as $list) {
        foreach (as_list($list) as $error) {
            if (is_object($error) && isset($error->Code) && is_numeric($error->Code)) {
                $codes[] = (int) $error->Code;
            }
        }
    }
    return $codes;
}

function tracking_from_detail($detail)
{
    if (!is_object($detail)) {
        return null;
    }
    foreach (['AdApiFaultDetail', 'ApiFault', 'ApiBatchFault'] as $root) {
        if (isset($detail->$root->TrackingId)) {
            return (string) $detail->$root->TrackingId;
        }
    }
    return null;
}

/**
 * Namespace-aware facts about the raw response envelope: the QNames of the fault detail's children and the
 * TrackingId SOAP header. This PHP build has no DOM/SimpleXML/XMLReader (only the soap extension), so a small
 * tag scanner keeps the in-scope xmlns declarations itself. It is meant for well-formed responses only.
 */
function envelope_facts($xml): array
{
    $facts = ['detailChildren' => [], 'headerTrackingId' => null];
    if (!is_string($xml) || $xml === '') {
        return $facts;
    }
    $xml = preg_replace('/<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>/s', '', $xml);
    $tag = '<(\/?)([^\s\/>]+)((?:\s+[^\s=\/>]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)\s*(\/?)>';
    if (!preg_match_all('/' . $tag . '|([^<]+)/s', $xml, $tokens, PREG_SET_ORDER)) {
        return $facts;
    }
    $stack = [];
    $scope = ['xml' => 'http://www.w3.org/XML/1998/namespace'];
    $path = static fn(array $stack): array => array_map(static fn($e) => $e['qname'], $stack);
    $envelope = '{' . SOAP_ENV_NS . '}';
    foreach ($tokens as $token) {
        if (isset($token[5]) && $token[5] !== '') {
            if ($stack) {
                $stack[count($stack) - 1]['text'] .= html_entity_decode($token[5], ENT_QUOTES | ENT_XML1, 'UTF-8');
            }
            continue;
        }
        if ($token[1] === '/') {
            $closed = array_pop($stack);
            $scope = $closed['parentScope'];
            if ($path($stack) === [$envelope . 'Envelope', $envelope . 'Header']
                && $closed['qname'] === '{' . BILLING_NS . '}TrackingId') {
                $facts['headerTrackingId'] = trim($closed['text']);
            }
            continue;
        }
        $parentScope = $scope;
        preg_match_all('/([^\s=]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')/', $token[3], $attrs, PREG_SET_ORDER);
        foreach ($attrs as $a) {
            $value = html_entity_decode(($a[2] ?? '') . ($a[3] ?? ''), ENT_QUOTES | ENT_XML1, 'UTF-8');
            if ($a[1] === 'xmlns') {
                $scope[''] = $value;
            } elseif (strncmp($a[1], 'xmlns:', 6) === 0) {
                $scope[substr($a[1], 6)] = $value;
            }
        }
        $parts = explode(':', $token[2], 2);
        [$prefix, $local] = count($parts) === 2 ? $parts : ['', $parts[0]];
        $ns = $scope[$prefix] ?? ($prefix === '' ? '' : 'urn:undeclared-prefix:' . $prefix);
        $qname = '{' . $ns . '}' . $local;
        if ($path($stack) === [$envelope . 'Envelope', $envelope . 'Body', $envelope . 'Fault', '{}detail']) {
            $facts['detailChildren'][] = $qname;
        }
        $stack[] = ['qname' => $qname, 'text' => '', 'parentScope' => $parentScope];
        if ($token[4] === '/') {
            $closed = array_pop($stack);
            $scope = $closed['parentScope'];
        }
    }
    return $facts;
}

function main(array $argv): int
{
    if (count($argv) !== 5) {
        emit(['ok' => false, 'error' => 'UsageError: php_client.php <wsdl> <endpoint> <operation> <json>']);
        return 0;
    }
    [, $wsdl, $endpoint, $operation, $payload] = $argv;
    $client = null;
    try {
        $request = json_decode($payload, false, 512, JSON_THROW_ON_ERROR);
        $client = new SoapClient($wsdl, [
            'location' => $endpoint,
            'trace' => true,
            'exceptions' => true,
            'cache_wsdl' => WSDL_CACHE_NONE,
            'soap_version' => SOAP_1_1,
            'connection_timeout' => 30,
        ]);
        $headers = [];
        foreach (get_object_vars($request->headers ?? new stdClass()) as $name => $value) {
            $headers[] = new SoapHeader(BILLING_NS, $name, $value ?? '');
        }
        $body = json_decode(json_encode($request->body ?? new stdClass()), true);
        $outputHeaders = [];
        try {
            $result = $client->__soapCall($operation, [$body], null, $headers, $outputHeaders);
        } catch (SoapFault $e) {
            $facts = envelope_facts($client->__getLastResponse());
            $detail = $e->detail ?? null;
            emit([
                'ok' => false,
                'faultcode' => $e->faultcode ?? null,
                'faultstring' => $e->faultstring ?? null,
                'codes' => codes_from_detail($detail),
                'detailRoot' => count($facts['detailChildren']) === 1 ? $facts['detailChildren'][0] : null,
                'detailChildren' => $facts['detailChildren'],
                'trackingId' => tracking_from_detail($detail),
                'headerTrackingId' => $facts['headerTrackingId'],
                'detail' => json_safe($detail),
            ]);
            return 0;
        }
        $tracking = $outputHeaders['TrackingId'] ?? null;
        if ($tracking === null) {
            $tracking = envelope_facts($client->__getLastResponse())['headerTrackingId'];
        }
        emit(['ok' => true, 'result' => json_safe($result), 'trackingId' => $tracking]);
    } catch (Throwable $e) {
        emit(['ok' => false, 'error' => get_class($e) . ': ' . $e->getMessage()]);
    }
    return 0;
}

exit(main($argv));
