#!/usr/bin/env python3
# Usage: python3 scripts/lock-baml-platforms.py package-lock.json  (after any `npm install` that drops them)
# The registry reachable here serves only the linux-x64-gnu build of BAML's native package, so npm cannot record
# the other platforms' optional packages; `npm ci` then calls the lock out of sync. Record them as the optional,
# platform-limited entries they are (npm skips them on this platform without fetching).
import json, sys
path = sys.argv[1]
lock = json.load(open(path))
pkgs = lock['packages']
platforms = {
  'darwin-arm64': ('darwin', 'arm64', None), 'darwin-x64': ('darwin', 'x64', None),
  'linux-arm64-gnu': ('linux', 'arm64', 'glibc'), 'linux-arm64-musl': ('linux', 'arm64', 'musl'),
  'linux-x64-musl': ('linux', 'x64', 'musl'),
  'win32-arm64-msvc': ('win32', 'arm64', None), 'win32-x64-msvc': ('win32', 'x64', None),
}
version = pkgs['node_modules/@boundaryml/baml']['version']
for name, (os_, cpu, libc) in platforms.items():
  key = f'node_modules/@boundaryml/baml-{name}'
  if key in pkgs: continue
  entry = {'version': version, 'cpu': [cpu]}
  if libc: entry['libc'] = [libc]
  entry.update({'license': 'MIT', 'optional': True, 'os': [os_], 'engines': {'node': '>= 10'}})
  pkgs[key] = entry
lock['packages'] = dict(sorted(pkgs.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(path, 'w'), indent=2)
open(path, 'a').write('\n')
