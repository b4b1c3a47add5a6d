-- One scenario of scripts/bench/wrk.sh, driven by wrk. Environment:
--   WRK_TARGETS  a file of request paths, one per line (a random one per request)
--   WRK_TOKEN    the bearer token of the professional
--   WRK_MODE     "get" (list or read) or "add" (POST a unique ~100 KB PDF to the path)
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
    .. "trailer << /Root 1 0 R >>\n%%EOF\n\r\n--" .. boundary .. "--\r\n"
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
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
