#!/usr/bin/env python3
"""A local stand-in for Paperspace's REST API (https://api.paperspace.com/v1), for scripts/paperspace/test.sh.

The real API cannot be reached from where the tests run. This fake answers the calls the scripts make in
the documented JSON shapes (lists paged with items/hasMore/nextPage, machines moving through
provisioning/starting/ready and stopping/off, errors as {status, code, message}) and appends every request
it receives, as one JSON line, to the log the test reads back.

    fake_api.py CONFIG.json REQUEST_LOG PORT_FILE

CONFIG: {"apiKey": "...", "pageSize": 2, "addresses": [["PUBLIC", "PRIVATE"], ...] (given to new machines in
order), "machines": [machine, ...] (already there, e.g. someone else's), "fail": [{"method": "POST",
"path": "/machines", "call": 2, "status": 400, "message": "..."}]} (the Nth such call fails).
"""
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TEMPLATES = [
    {"id": "tmpl-ml-box", "name": "ML-in-a-Box Ubuntu 22.04", "operatingSystemLabel": "Ubuntu 22.04"},
    {"id": "tmpl-u20", "name": "Ubuntu 20.04 Server", "operatingSystemLabel": "Ubuntu 20.04"},
    {"id": "tmpl-u22-server", "name": "Ubuntu 22.04 Server", "operatingSystemLabel": "Ubuntu 22.04"},
    {"id": "tmpl-u22-desktop", "name": "Ubuntu 22.04 Desktop", "operatingSystemLabel": "Ubuntu 22.04"},
]
# GET /machines/{id} moves a machine one step along these, as the real one moves over minutes.
NEXT_STATE = {"provisioning": "starting", "starting": "ready", "stopping": "off"}


class Fake:
    def __init__(self, config, log_path):
        self.lock = threading.Lock()
        self.key = config["apiKey"]
        self.page_size = config.get("pageSize", 2)
        self.addresses = list(config.get("addresses", []))
        self.fail = config.get("fail", [])
        self.calls = {}
        self.machines = {m["id"]: dict(m) for m in config.get("machines", [])}
        self.networks = {}
        self.scripts = {}
        self.serial = 0
        self.log = open(log_path, "a", buffering=1)

    def new_id(self, kind):
        self.serial += 1
        return "%s%04d" % (kind, self.serial)

    def handle(self, method, path, query, body, auth):
        self.log.write(json.dumps({"method": method, "path": path, "query": query, "body": body,
                                   "auth": auth == "Bearer " + self.key}) + "\n")
        if auth != "Bearer " + self.key:
            return error(401, "UNAUTHORIZED", "Invalid API key")
        key = method + " " + route(path)
        self.calls[key] = self.calls.get(key, 0) + 1
        for rule in self.fail:
            if rule["method"] + " " + rule["path"] == key and rule["call"] == self.calls[key]:
                return error(rule["status"], rule.get("code", "FAILED"), rule["message"])
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/os-templates":
            return 200, self.page(TEMPLATES, query)
        if method == "GET" and path == "/machines":
            return 200, self.page(sorted(self.machines.values(), key=lambda m: m["id"]), query)
        if method == "POST" and path == "/machines":
            return self.create_machine(body)
        if parts[0] == "machines" and len(parts) >= 2:
            machine = self.machines.get(parts[1])
            if machine is None:
                return error(404, "NOT_FOUND", "Machine not found")
            if method == "GET" and len(parts) == 2:
                shown = strip(machine)
                machine["state"] = NEXT_STATE.get(machine["state"], machine["state"])
                return 200, shown
            if method == "PATCH" and parts[2:] == ["stop"]:
                machine["state"] = "stopping" if machine["state"] != "off" else "off"
                return 200, strip(machine)
            if method == "PATCH" and parts[2:] == ["start"]:
                machine["state"] = "starting"
                return 200, strip(machine)
            if method == "DELETE" and len(parts) == 2:
                return 200, strip(self.machines.pop(parts[1]))
        if method == "POST" and path == "/private-networks":
            network = {"id": self.new_id("pn"), "name": body["name"], "region": body["region"], "cidr": "10.0.0.0/24"}
            self.networks[network["id"]] = network
            return 200, network
        if method == "POST" and path == "/startup-scripts":
            script = {"id": self.new_id("sc"), "name": body["name"], "isRunOnce": body.get("isRunOnce", False)}
            self.scripts[script["id"]] = script
            return 200, script
        for kind, table in (("private-networks", self.networks), ("startup-scripts", self.scripts)):
            if parts[0] == kind and len(parts) == 2:
                if parts[1] not in table:
                    return error(404, "NOT_FOUND", kind + " not found")
                if method == "GET":
                    return 200, table[parts[1]]
                if method == "DELETE":
                    if kind == "private-networks" and any(m.get("networkId") == parts[1] for m in self.machines.values()):
                        return error(400, "BAD_REQUEST", "Network still has machines")
                    return 200, table.pop(parts[1])
        return error(404, "NOT_FOUND", "No route " + method + " " + path)

    def create_machine(self, body):
        for field in ("name", "machineType", "templateId", "diskSize", "region"):
            if field not in body:
                return error(400, "BAD_REQUEST", "Missing field " + field)
        if not self.addresses:
            return error(400, "BAD_REQUEST", "No capacity for " + body["machineType"] + " in " + body["region"])
        public_ip, private_ip = self.addresses.pop(0)
        machine = {"id": self.new_id("ps"), "name": body["name"], "state": "provisioning",
                   "machineType": body["machineType"], "region": body["region"], "cpus": 2,
                   "publicIp": None, "privateIp": None, "networkId": body.get("networkId"),
                   "startupScriptId": body.get("startupScriptId"), "_addresses": [public_ip, private_ip]}
        self.machines[machine["id"]] = machine
        return 200, strip(machine)

    def page(self, items, query):
        after = query.get("after")
        start = 0
        if after:
            ids = [item["id"] for item in items]
            start = ids.index(after) + 1 if after in ids else len(items)
        limit = min(int(query.get("limit", self.page_size)), self.page_size)
        chunk = [strip(item) for item in items[start:start + limit]]
        more = start + limit < len(items)
        return {"items": chunk, "hasMore": more, "nextPage": chunk[-1]["id"] if more else None}


def strip(machine):
    """A machine gets its addresses once it is past provisioning, as the real API shows them."""
    shown = {k: v for k, v in machine.items() if not k.startswith("_")}
    if "_addresses" in machine and machine["state"] not in ("provisioning",):
        shown["publicIp"], shown["privateIp"] = machine["_addresses"]
    return shown


def route(path):
    parts = path.strip("/").split("/")
    if len(parts) >= 2:
        parts[1] = "{id}"
    return "/" + "/".join(parts)


def error(status, code, message):
    return status, {"status": status, "code": code, "message": message}


def main():
    config_path, log_path, port_file = sys.argv[1:4]
    with open(config_path) as f:
        fake = Fake(json.load(f), log_path)

    class Handler(BaseHTTPRequestHandler):
        def answer(self):
            url = urlparse(self.path)
            path = url.path[len("/v1"):] if url.path.startswith("/v1") else url.path
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                status, reply = error(400, "BAD_REQUEST", "Body is not JSON")
            else:
                with fake.lock:
                    status, reply = fake.handle(self.command, path, query, body, self.headers.get("Authorization"))
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
