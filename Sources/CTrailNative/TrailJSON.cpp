// simdjson-backed record splitting and field extraction. See CTrailNative.h.
#include "CTrailNative.h"
#include <simdjson.h>
#include <string>
#include <vector>
#include <cstring>

using namespace simdjson;

struct tk_parser {
    ondemand::parser splitter;
    dom::parser dom;
    dom::parser dom2;
    padded_string document;
    std::vector<tk_str> slices;
    std::vector<size_t> offsets;
    std::vector<tk_str> resource_types;
    std::vector<tk_str> resource_names;
    std::vector<tk_audit_event> audit_events;
    std::string scratch;
    std::string minified;
};

extern "C" tk_parser *tk_parser_create(void) { return new tk_parser(); }
extern "C" void tk_parser_destroy(tk_parser *p) { delete p; }

static inline tk_str none() { return tk_str{nullptr, 0}; }

static void push_slice(tk_parser *p, std::string_view s) {
    p->slices.push_back(tk_str{s.data(), s.size()});
    p->offsets.push_back(size_t(s.data() - p->document.data()));
}

static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

static std::string_view tk_trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Splits one JSON text (one document) into records.
static error_code split_document(tk_parser *p, std::string_view src) {
    src = tk_trim(src);
    if (src.empty()) return SUCCESS;
    ondemand::document doc;
    // The slice lies inside the padded document buffer, so the padding is readable.
    size_t capacity = size_t(p->document.data() + p->document.size() + SIMDJSON_PADDING - src.data());
    auto err = p->splitter.iterate(src.data(), src.size(), capacity).get(doc);
    if (err) return err;
    if (src.front() == '[') {
        ondemand::array arr;
        if ((err = doc.get_array().get(arr))) return err;
        for (auto element : arr) {
            ondemand::value v;
            if ((err = element.get(v))) return err;
            ondemand::object obj;
            if (v.get_object().get(obj) == SUCCESS) {
                std::string_view raw;
                if ((err = obj.raw_json().get(raw))) return err;
                push_slice(p, tk_trim(raw));
            } else {
                push_slice(p, tk_trim(v.raw_json_token()));
            }
        }
        return SUCCESS;
    }
    if (src.front() != '{') {
        push_slice(p, src);
        return SUCCESS;
    }
    ondemand::object top;
    if ((err = doc.get_object().get(top))) return err;
    ondemand::value records;
    auto found = top.find_field_unordered("Records").get(records);
    if (found == SUCCESS) {
        ondemand::array arr;
        if (records.get_array().get(arr) == SUCCESS) {
            for (auto element : arr) {
                ondemand::value v;
                if ((err = element.get(v))) return err;
                ondemand::object obj;
                if (v.get_object().get(obj) == SUCCESS) {
                    std::string_view raw;
                    if ((err = obj.raw_json().get(raw))) return err;
                    push_slice(p, tk_trim(raw));
                } else {
                    push_slice(p, tk_trim(v.raw_json_token()));
                }
            }
            return SUCCESS;
        }
        return INCORRECT_TYPE;
    }
    if (found != NO_SUCH_FIELD) return found;
    // A single record: validate it fully so that a broken object is reported here.
    dom::element e;
    if ((err = p->dom.parse(src.data(), src.size(), false).get(e))) return err;
    push_slice(p, src);
    return SUCCESS;
}

extern "C" long tk_split(tk_parser *p, const char *bytes, size_t len) {
    p->slices.clear();
    p->offsets.clear();
    p->document = padded_string(bytes, len);
    const char *base = p->document.data();
    // Find document boundaries with a stream parser: handles one document, JSON lines and
    // concatenated objects alike.
    ondemand::document_stream stream;
    size_t batch = len < 1000000 ? 1000000 : len + 64;
    auto err = p->splitter.iterate_many(base, len, batch).get(stream);
    if (err) return -long(err);
    // Collect the document boundaries first: split_document reuses the parser.
    std::vector<std::string_view> docs;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
        auto d = *it;
        if (d.error()) return -long(d.error());
        docs.push_back(it.source());
    }
    if (stream.truncated_bytes() > 0) return -long(TAPE_ERROR);
    for (auto src : docs) {
        if ((err = split_document(p, src))) return -long(err);
    }
    return long(p->slices.size());
}

extern "C" tk_str tk_slice(const tk_parser *p, size_t i) { return p->slices[i]; }
extern "C" size_t tk_slice_offset(const tk_parser *p, size_t i) { return p->offsets[i]; }

static tk_str str_of(dom::element e) {
    std::string_view s;
    if (e.get_string().get(s) == SUCCESS) return tk_str{s.data(), s.size()};
    return none();
}

static tk_str field(dom::object o, std::string_view key) {
    dom::element e;
    if (o.at_key(key).get(e) != SUCCESS) return none();
    return str_of(e);
}

static int tristate(dom::object o, std::string_view key) {
    dom::element e;
    if (o.at_key(key).get(e) != SUCCESS) return -1;
    bool b;
    if (e.get_bool().get(b) == SUCCESS) return b ? 1 : 0;
    std::string_view s;
    if (e.get_string().get(s) == SUCCESS) {
        if (s == "true") return 1;
        if (s == "false") return 0;
    }
    return -1;
}

static void extract(tk_parser *p, dom::element root, tk_record *out) {
    dom::object o;
    if (root.get_object().get(o) != SUCCESS) return;
    out->is_object = 1;
    out->event_version = field(o, "eventVersion");
    out->event_id = field(o, "eventID");
    out->event_time = field(o, "eventTime");
    out->event_name = field(o, "eventName");
    out->event_source = field(o, "eventSource");
    out->aws_region = field(o, "awsRegion");
    out->source_ip = field(o, "sourceIPAddress");
    out->event_type = field(o, "eventType");
    out->event_category = field(o, "eventCategory");
    out->recipient_account_id = field(o, "recipientAccountId");
    out->error_code = field(o, "errorCode");
    out->read_only = tristate(o, "readOnly");
    out->management_event = tristate(o, "managementEvent");
    dom::object ui;
    if (o.at_key("userIdentity").get_object().get(ui) == SUCCESS) {
        out->ui_type = field(ui, "type");
        out->ui_user_name = field(ui, "userName");
        out->ui_arn = field(ui, "arn");
        out->ui_access_key_id = field(ui, "accessKeyId");
        out->ui_principal_id = field(ui, "principalId");
        out->ui_account_id = field(ui, "accountId");
        dom::object issuer;
        if (ui.at_pointer("/sessionContext/sessionIssuer").get_object().get(issuer) == SUCCESS) {
            out->ui_issuer_user_name = field(issuer, "userName");
        }
    }
    dom::object insight;
    if (o.at_key("insightDetails").get_object().get(insight) == SUCCESS) {
        out->insight_event_name = field(insight, "eventName");
        out->insight_event_source = field(insight, "eventSource");
    }
    p->resource_types.clear();
    p->resource_names.clear();
    dom::array resources;
    if (o.at_key("resources").get_array().get(resources) == SUCCESS) {
        for (dom::element r : resources) {
            dom::object ro;
            if (r.get_object().get(ro) != SUCCESS) continue;
            p->resource_types.push_back(field(ro, "type"));
            tk_str name = field(ro, "ARN");
            if (!name.ptr) name = field(ro, "arn");
            p->resource_names.push_back(name);
        }
    }
    out->resource_count = p->resource_types.size();
    out->resource_types = p->resource_types.data();
    out->resource_names = p->resource_names.data();
}

static void parse_into(tk_parser *p, const char *bytes, size_t len, bool padded, tk_record *out) {
    std::memset(out, 0, sizeof(*out));
    out->read_only = -1;
    out->management_event = -1;
    dom::element root;
    error_code err;
    if (padded) {
        err = p->dom.parse(bytes, len, false).get(root);
    } else {
        err = p->dom.parse(bytes, len, true).get(root);
    }
    if (err) {
        out->parse_error = int(err);
        return;
    }
    extract(p, root, out);
}

extern "C" void tk_parse_record(tk_parser *p, const char *bytes, size_t len, tk_record *out) {
    parse_into(p, bytes, len, false, out);
}

extern "C" void tk_parse_slice(tk_parser *p, size_t i, tk_record *out) {
    tk_str s = p->slices[i];
    parse_into(p, s.ptr, s.len, true, out);
}

static long long minified_size(tk_parser *p, dom::object o, std::string_view key) {
    dom::element e;
    if (o.at_key(key).get(e) != SUCCESS) return -1;
    if (e.is_null()) return -1;
    p->minified = simdjson::minify(e);
    return (long long)p->minified.size();
}

extern "C" void tk_parse_external(tk_parser *p, const char *bytes, size_t len, tk_external *out) {
    std::memset(out, 0, sizeof(*out));
    out->request_parameters_size = out->response_elements_size = out->additional_event_data_size = -1;
    dom::element root;
    auto err = p->dom2.parse(bytes, len, true).get(root);
    if (err) {
        out->parse_error = int(err);
        return;
    }
    dom::object o;
    if (root.get_object().get(o) != SUCCESS) return;
    out->is_object = 1;
    const char *names[] = {"version", "userAgent", "eventSource", "eventName", "eventTime", "UID",
                           "errorCode", "errorMessage", "sourceIPAddress", "recipientAccountId"};
    tk_str *slots[] = {&out->version, &out->user_agent, &out->event_source, &out->event_name,
                       &out->event_time, &out->uid, &out->error_code, &out->error_message,
                       &out->source_ip, &out->recipient_account_id};
    for (int i = 0; i < 10; i++) {
        dom::element e;
        if (o.at_key(names[i]).get(e) != SUCCESS || e.is_null()) continue;
        *slots[i] = str_of(e);
        if (!slots[i]->ptr && out->wrong_type_field == 0) out->wrong_type_field = i + 1;
    }
    dom::object ui;
    if (o.at_key("userIdentity").get_object().get(ui) == SUCCESS) {
        out->ui_type = field(ui, "type");
        out->ui_principal_id = field(ui, "principalId");
        dom::element d;
        if (ui.at_key("details").get(d) == SUCCESS && !d.is_null()) {
            out->ui_details_kind = d.is_object() ? 1 : 2;
        }
    }
    out->request_parameters_size = minified_size(p, o, "requestParameters");
    out->response_elements_size = minified_size(p, o, "responseElements");
    out->additional_event_data_size = minified_size(p, o, "additionalEventData");
}

extern "C" long tk_parse_audit_events(tk_parser *p, const char *bytes, size_t len) {
    p->audit_events.clear();
    dom::element root;
    auto err = p->dom.parse(bytes, len, true).get(root);
    if (err) return -long(err);
    dom::object o;
    if (root.get_object().get(o) != SUCCESS) return -1000;
    dom::array events;
    if (o.at_key("auditEvents").get_array().get(events) != SUCCESS) return -1001;
    for (dom::element e : events) {
        tk_audit_event a{};
        dom::object eo;
        if (e.get_object().get(eo) != SUCCESS) {
            a.wrong_type = 1;
            p->audit_events.push_back(a);
            continue;
        }
        const char *keys[] = {"id", "eventData", "eventDataChecksum"};
        tk_str *slots[] = {&a.id, &a.event_data, &a.checksum};
        for (int i = 0; i < 3; i++) {
            dom::element v;
            if (eo.at_key(keys[i]).get(v) != SUCCESS || v.is_null()) continue;
            *slots[i] = str_of(v);
            if (!slots[i]->ptr) a.wrong_type = 1;
        }
        p->audit_events.push_back(a);
    }
    return long(p->audit_events.size());
}

extern "C" tk_audit_event tk_audit_event_at(const tk_parser *p, size_t i) { return p->audit_events[i]; }

extern "C" const char *tk_error_message(int code) {
    if (code == -1000) return "the body is not a JSON object";
    if (code == -1001) return "auditEvents is missing or not a list";
    return simdjson::error_message(error_code(code));
}

extern "C" size_t tk_json_escape(const char *bytes, size_t len, char *out) {
    static const char hex[] = "0123456789abcdef";
    char *w = out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)bytes[i];
        switch (c) {
        case '"': *w++ = '\\'; *w++ = '"'; break;
        case '\\': *w++ = '\\'; *w++ = '\\'; break;
        case '\n': *w++ = '\\'; *w++ = 'n'; break;
        case '\r': *w++ = '\\'; *w++ = 'r'; break;
        case '\t': *w++ = '\\'; *w++ = 't'; break;
        case '\b': *w++ = '\\'; *w++ = 'b'; break;
        case '\f': *w++ = '\\'; *w++ = 'f'; break;
        default:
            if (c < 0x20) {
                *w++ = '\\'; *w++ = 'u'; *w++ = '0'; *w++ = '0';
                *w++ = hex[c >> 4]; *w++ = hex[c & 15];
            } else {
                *w++ = char(c);
            }
        }
    }
    return size_t(w - out);
}

extern "C" int tk_value_at_pointer(tk_parser *p, const char *bytes, size_t len, const char *pointer, tk_str *out) {
    *out = none();
    dom::element root;
    if (p->dom2.parse(bytes, len, true).get(root) != SUCCESS) return -1;
    dom::element e;
    if (root.at_pointer(pointer).get(e) != SUCCESS) return 0;
    std::string_view s;
    if (e.get_string().get(s) == SUCCESS) {
        *out = tk_str{s.data(), s.size()};
        return 1;
    }
    bool b;
    if (e.get_bool().get(b) == SUCCESS) {
        static const char t[] = "true", f[] = "false";
        *out = b ? tk_str{t, 4} : tk_str{f, 5};
        return 1;
    }
    if (e.is_null()) return 0;
    p->scratch = simdjson::minify(e);
    *out = tk_str{p->scratch.data(), p->scratch.size()};
    return 1;
}
