#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Deliberately broken TCP peers for tests/tools/test-tools.sh.

  peers.py flip-echo   echo server that flips one bit of every 1000th byte
  peers.py chunked     HTTP server that answers with a chunked body
  peers.py silent      reads everything, never answers
  peers.py hangup      echoes half of the first chunk, then closes
  peers.py slow-reader PORT   client: sends 8 MiB to an echo server at
                       PORT without reading for a second, then checks the
                       echo; exits 0 when it is exact

Listens on 127.0.0.1 on a free port and prints "port N" once ready.
"""
import socket
import socketserver
import sys


class FlipEcho(socketserver.BaseRequestHandler):
    def handle(self):
        pos = 0
        while True:
            data = self.request.recv(65536)
            if not data:
                return
            buf = bytearray(data)
            for i in range(-pos % 1000, len(buf), 1000):
                buf[i] ^= 0x01
            pos += len(buf)
            self.request.sendall(buf)


class Chunked(socketserver.BaseRequestHandler):
    def handle(self):
        data = b""
        while b"\r\n\r\n" not in data:
            more = self.request.recv(65536)
            if not more:
                return
            data += more
        self.request.sendall(b"HTTP/1.1 200 OK\r\n"
                             b"Transfer-Encoding: chunked\r\n"
                             b"Connection: close\r\n\r\n"
                             b"5\r\nhello\r\n0\r\n\r\n")


class Silent(socketserver.BaseRequestHandler):
    def handle(self):
        while self.request.recv(65536):
            pass


class Hangup(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request.recv(65536)
        self.request.sendall(data[:len(data) // 2])


def slow_reader(port):
    """Make the server's socket buffer fill so it must keep a backlog."""
    import os
    import threading
    import time

    data = os.urandom(8 << 20)
    sock = socket.create_connection(("127.0.0.1", port))
    sender = threading.Thread(target=sock.sendall, args=(data,))
    sender.start()
    time.sleep(1)
    got = bytearray()
    while len(got) < len(data):
        more = sock.recv(1 << 20)
        if not more:
            break
        got += more
    sender.join()
    sock.close()
    return 0 if got == data else 1


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    if sys.argv[1] == "slow-reader":
        sys.exit(slow_reader(int(sys.argv[2])))
    handler = {"flip-echo": FlipEcho, "chunked": Chunked, "silent": Silent,
               "hangup": Hangup}[sys.argv[1]]
    with Server(("127.0.0.1", 0), handler) as srv:
        print("port", srv.server_address[1], flush=True)
        srv.serve_forever()


if __name__ == "__main__":
    main()
