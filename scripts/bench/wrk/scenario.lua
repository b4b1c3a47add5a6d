-- One scenario of scripts/bench/wrk.sh, driven by wrk. Environment:
--   WRK_TARGETS  a file of request paths, one per line (a random one per request)
--   WRK_TOKEN    the bearer token of the professional
--   WRK_MODE     "get" (list or read) or "add" (POST a unique ~100 KB PDF to the path);
--                "fhir-get" (a FHIR search or Binary) or "fhir-add" (POST /fhir an ITI-65
--                transaction Bundle with a unique ~100 KB PDF; the targets are patient ids)
--   WRK_NONCE    makes the added documents of this run unique (the vault refuses nothing,
--                but identical contents would not be a realistic workload)
-- done() prints one line: RESULT requests duration_us socket_errors status_errors p50_us p99_us max_us

local mode = os.getenv("WRK_MODE") or "get"
local token = os.getenv("WRK_TOKEN")
local nonce = os.getenv("WRK_NONCE") or "0"
local paths = {}
for line in io.lines(os.getenv("WRK_TARGETS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local boundary = "mdsbenchboundary7d1f"
local counter = 0
local head, tail, padding
-- FHIR: the PDF's bytes after its unique first line, in base64 (the first line is padded to a
-- multiple of 3 bytes, so that the two encodings simply join).
local pdf_rest_b64

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local function ch(k) return B64:sub(k + 1, k + 1) end
    out[#out + 1] = ch(math.floor(n / 262144) % 64) .. ch(math.floor(n / 4096) % 64)
      .. (b and ch(math.floor(n / 64) % 64) or "=") .. (c and ch(n % 64) or "=")
  end
  return table.concat(out)
end

local function field(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name
    .. "\"\r\n\r\n" .. value .. "\r\n"
end

function init(args)
  math.randomseed(os.time() + (tid or 0))
  head = field("type_code", "11488-4") .. field("title", "Compte rendu (banc d'essai)")
    .. field("act_date", "2026-11-20") .. field("confirms_patient_informed", "true")
    .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cr.pdf\"\r\n"
    .. "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%"
  local line = "% padding for the hundred kilobyte benchmark document, not shown\n"
  padding = string.rep(line, math.floor(100 * 1024 / #line))
  tail = "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    .. "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    .. "trailer << /Root 1 0 R >>\nstartxref\n9\n%%EOF\n\r\n--" .. boundary .. "--\r\n"
  pdf_rest_b64 = b64(padding .. "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    .. "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    .. "trailer << /Root 1 0 R >>\nstartxref\n9\n%%EOF\n")
end

local function uuid(k)
  return string.format("urn:uuid:%08x-0000-4000-8000-%012x", tid or 0, counter * 4 + k)
end

-- An ITI-65 transaction: SubmissionSet List, DocumentReference, Binary, in `patient`.
local function provide_bundle(patient)
  local first = "%PDF-1.4\n%" .. string.format("%s-%d-%d", nonce, tid or 0, counter)
  while (#first + 1) % 3 ~= 0 do first = first .. " " end
  local data = b64(first .. "\n") .. pdf_rest_b64
  local list, doc, bin = uuid(1), uuid(2), uuid(3)
  return '{"resourceType":"Bundle","type":"transaction","entry":['
    .. '{"fullUrl":"' .. list .. '","request":{"method":"POST","url":"List"},'
    .. '"resource":{"resourceType":"List","status":"current","mode":"working",'
    .. '"code":{"coding":[{"system":"https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes","code":"submissionset"}]},'
    .. '"subject":{"reference":"Patient/' .. patient .. '"},'
    .. '"extension":[{"url":"https://mondrivesante.nc/fhir/StructureDefinition/patient-informed","valueBoolean":true}],'
    .. '"entry":[{"item":{"reference":"' .. doc .. '"}}]}},'
    .. '{"fullUrl":"' .. doc .. '","request":{"method":"POST","url":"DocumentReference"},'
    .. '"resource":{"resourceType":"DocumentReference","status":"current",'
    .. '"type":{"coding":[{"system":"http://loinc.org","code":"11488-4"}]},'
    .. '"subject":{"reference":"Patient/' .. patient .. '"},'
    .. '"context":{"period":{"start":"2026-11-20"}},'
    .. '"content":[{"attachment":{"contentType":"application/pdf","title":"Compte rendu (banc d\'essai)",'
    .. '"url":"' .. bin .. '"}}]}},'
    .. '{"fullUrl":"' .. bin .. '","request":{"method":"POST","url":"Binary"},'
    .. '"resource":{"resourceType":"Binary","contentType":"application/pdf","data":"' .. data .. '"}}]}'
end

function request()
  local path = paths[math.random(#paths)]
  if mode == "add" then
    counter = counter + 1
    local body = head .. string.format("%s-%d-%d\n", nonce, tid or 0, counter) .. padding .. tail
    return wrk.format("POST", path, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    }, body)
  end
  if mode == "fhir-add" then
    counter = counter + 1
    return wrk.format("POST", "/fhir", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/fhir+json",
      ["Accept"] = "application/fhir+json",
    }, provide_bundle(path))
  end
  if mode == "fhir-get" then
    -- A search answers FHIR JSON; a Binary answers its raw bytes when asked for its type.
    local accept = path:find("^/fhir/Binary/") and "application/pdf" or "application/fhir+json"
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token, ["Accept"] = accept })
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
