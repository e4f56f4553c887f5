#!/usr/bin/env python3
"""Plots GPU allocation ratio against arrived load from `openb --curve` CSV files into a PNG.

Standard library only (zlib, struct): no plotting package is needed.
usage: plot_openb.py OUT.png LABEL=curve.csv [LABEL=curve.csv ...]
"""
import struct
import sys
import zlib

W, H = 900, 560
LEFT, RIGHT, TOP, BOTTOM = 80, 230, 40, 70
X0, X1, Y0, Y1 = 40, 130, 40, 100
COLORS = [(200, 30, 30), (30, 90, 200), (30, 150, 60), (160, 60, 170), (230, 140, 0), (90, 90, 90)]

# 5x7 glyphs, one string of 7 rows of 5 bits per character.
FONT = {
    '0': "01110100011001110101110011000101110", '1': "00100011000010000100001000010001110",
    '2': "01110100010000100010001000100011111", '3': "11110000010000101110000010000111110",
    '4': "00010001100101010010111110001000010", '5': "11111100001111000001000011000101110",
    '6': "00110010001000011110100011000101110", '7': "11111000010001000100010000100001000",
    '8': "01110100011000101110100011000101110", '9': "01110100011000101111000010001001100",
    '%': "11000110010001000100010001001100011", '.': "00000000000000000000000000110001100",
    '-': "00000000000000011111000000000000000", ' ': "00000000000000000000000000000000000",
    '(': "00010001000100001000010000010000010", ')': "01000001000001000010000100010001000",
    '/': "00000000010001000100010001000000000", ':': "00000011000110000000011000110000000",
    'A': "01110100011000111111100011000110001", 'B': "11110100011000111110100011000111110",
    'C': "01110100011000010000100001000101110", 'D': "11100100101000110001100011001011100",
    'E': "11111100001000011110100001000011111", 'F': "11111100001000011110100001000010000",
    'G': "01110100011000010111100011000101111", 'H': "10001100011000111111100011000110001",
    'I': "01110001000010000100001000010001110", 'J': "00111000100001000010000101001001100",
    'K': "10001100101010011000101001001010001", 'L': "10000100001000010000100001000011111",
    'M': "10001110111010110101100011000110001", 'N': "10001100011100110101100111000110001",
    'O': "01110100011000110001100011000101110", 'P': "11110100011000111110100001000010000",
    'Q': "01110100011000110001101011001001101", 'R': "11110100011000111110101001001010001",
    'S': "01111100001000001110000010000111110", 'T': "11111001000010000100001000010000100",
    'U': "10001100011000110001100011000101110", 'V': "10001100011000110001100010101000100",
    'W': "10001100011000110101101011010101010", 'X': "10001100010101000100010101000110001",
    'Y': "10001100010101000100001000010000100", 'Z': "11111000010001000100010001000011111",
}


def main():
    out, series = sys.argv[1], []
    for arg in sys.argv[2:]:
        label, path = arg.split('=', 1)
        points = []
        with open(path) as f:
            next(f)
            for line in f:
                x, y = line.strip().split(',')
                if y != 'NaN' and float(x) >= X0 and float(y) >= Y0:
                    points.append((float(x), float(y)))
        series.append((label, points))

    pixels = [[(255, 255, 255)] * W for _ in range(H)]

    def put(x, y, c):
        if 0 <= x < W and 0 <= y < H:
            pixels[y][x] = c

    def px(x, y):
        return (LEFT + (x - X0) / (X1 - X0) * (W - LEFT - RIGHT), H - BOTTOM - (y - Y0) / (Y1 - Y0) * (H - TOP - BOTTOM))

    def line(a, b, c, width=1):
        (xa, ya), (xb, yb) = a, b
        steps = int(max(abs(xb - xa), abs(yb - ya))) + 1
        for i in range(steps + 1):
            x, y = xa + (xb - xa) * i / steps, ya + (yb - ya) * i / steps
            for dx in range(-(width // 2), width - width // 2):
                for dy in range(-(width // 2), width - width // 2):
                    put(int(round(x)) + dx, int(round(y)) + dy, c)

    def text(x, y, s, c=(0, 0, 0), scale=2):
        for ch in s.upper():
            glyph = FONT.get(ch, FONT[' '])
            for row in range(7):
                for col in range(5):
                    if glyph[row * 5 + col] == '1':
                        for sx in range(scale):
                            for sy in range(scale):
                                put(x + col * scale + sx, y + row * scale + sy, c)
            x += 6 * scale

    grid = (225, 225, 225)
    for gx in range(X0, X1 + 1, 10):
        line(px(gx, Y0), px(gx, Y1), grid)
        x, y = px(gx, Y0)
        text(int(x) - 8, int(y) + 8, str(gx))
    for gy in range(Y0, Y1 + 1, 5):
        line(px(X0, gy), px(X1, gy), grid)
        x, y = px(X0, gy)
        text(int(x) - 40, int(y) - 7, str(gy))
    line(px(X0, Y0), px(X1, Y0), (0, 0, 0))
    line(px(X0, Y0), px(X0, Y1), (0, 0, 0))
    line(px(Y0, Y0), px(100, 100), (150, 150, 150))  # everything arrived is placed
    text(LEFT + 120, H - 30, "ARRIVED GPU REQUESTS (% OF CAPACITY)")
    text(10, 12, "GPU ALLOCATION (%) - OPENB DEFAULT TRACE, MEAN OF SEEDS 42-51")
    for i, (label, points) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        for a, b in zip(points, points[1:]):
            line(px(*a), px(*b), color, width=3 if i == 0 else 2)
        ly = TOP + 20 + i * 28
        line((W - RIGHT + 15, ly + 7), (W - RIGHT + 40, ly + 7), color, width=3)
        text(W - RIGHT + 48, ly, label)

    raw = b''.join(b'\x00' + bytes(v for p in row for v in p) for row in pixels)

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

    with open(out, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n')
        f.write(chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0)))
        f.write(chunk(b'IDAT', zlib.compress(raw, 9)))
        f.write(chunk(b'IEND', b''))


if __name__ == '__main__':
    main()
