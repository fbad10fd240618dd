/* The twin WLT photo decoder: a stand-in for a licensed vendor library (libwlt2bmp), for tests and demos.
 *
 * Real WLT photos are compressed and encrypted and only vendor code decodes them. The ID-card twin
 * stores its holders' photos in this twin format instead, in the same 1024 bytes:
 *   "TWLT" | width (1 byte) | height (1 byte) | width*height 4-bit grey pixels, high nibble first | zeros
 * and this library turns them into what a vendor decoder gives: a 102x126 24-bit BMP (38 862 bytes).
 * It exports the suite's documented signature (devices/id_card/photo.py):
 *   int hall_wlt_decode(const unsigned char *wlt, size_t wlt_len,
 *                       unsigned char *bmp, size_t bmp_cap, size_t *bmp_len);  0 = success
 * Build: gcc -O2 -shared -fPIC -o libwlt_twin.so wlt_twin.c   (tests/rigs/wlt.py does it)
 */
#include <stddef.h>
#include <string.h>

#define OUT_W 102
#define OUT_H 126
#define ROW ((OUT_W * 3 + 3) & ~3)
#define BMP_LEN (54 + ROW * OUT_H)

static void put32(unsigned char *p, unsigned v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

static int pixel(const unsigned char *px, int w, int x, int y) {
    int i = y * w + x;
    int nib = (i & 1) ? (px[i >> 1] & 0x0f) : (px[i >> 1] >> 4);
    return nib * 17; /* 0..15 -> 0..255 */
}

int hall_wlt_decode(const unsigned char *wlt, size_t wlt_len, unsigned char *bmp, size_t bmp_cap, size_t *bmp_len) {
    if (wlt == NULL || bmp == NULL || bmp_len == NULL) return -1;
    if (wlt_len != 1024 || memcmp(wlt, "TWLT", 4) != 0) return -2;  /* not a twin photo */
    int w = wlt[4], h = wlt[5];
    if (w < 2 || h < 2 || 6 + (w * h + 1) / 2 > 1024) return -3;
    if (bmp_cap < BMP_LEN) return -4;
    const unsigned char *px = wlt + 6;
    memset(bmp, 0, BMP_LEN);
    bmp[0] = 'B'; bmp[1] = 'M'; put32(bmp + 2, BMP_LEN); put32(bmp + 10, 54); put32(bmp + 14, 40);
    put32(bmp + 18, OUT_W); put32(bmp + 22, OUT_H); bmp[26] = 1; bmp[28] = 24; put32(bmp + 34, ROW * OUT_H);
    for (int oy = 0; oy < OUT_H; oy++) {
        /* bilinear sampling of the small grey image, rows stored bottom-up as BMP wants */
        double sy = (oy + 0.5) * h / OUT_H - 0.5;
        if (sy < 0) sy = 0;
        int y0 = (int)sy, y1 = y0 + 1 < h ? y0 + 1 : y0;
        double fy = sy - y0;
        unsigned char *row = bmp + 54 + (size_t)(OUT_H - 1 - oy) * ROW;
        for (int ox = 0; ox < OUT_W; ox++) {
            double sx = (ox + 0.5) * w / OUT_W - 0.5;
            if (sx < 0) sx = 0;
            int x0 = (int)sx, x1 = x0 + 1 < w ? x0 + 1 : x0;
            double fx = sx - x0;
            double top = pixel(px, w, x0, y0) * (1 - fx) + pixel(px, w, x1, y0) * fx;
            double bottom = pixel(px, w, x0, y1) * (1 - fx) + pixel(px, w, x1, y1) * fx;
            int v = (int)(top * (1 - fy) + bottom * fy + 0.5);
            row[ox * 3] = row[ox * 3 + 1] = row[ox * 3 + 2] = (unsigned char)(v > 255 ? 255 : v);
        }
    }
    *bmp_len = BMP_LEN;
    return 0;
}
