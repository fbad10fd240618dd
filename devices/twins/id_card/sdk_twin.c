/* Twin of a vendor ID-card SDK for the `sdk` driver's tests, in its two common families: sdtapi
 * (SDT_OpenPort, SDT_StartFindIDCard, SDT_SelectIDCard, SDT_ReadBaseMsg, SDT_ClosePort; SW3 return codes)
 * and termb/CVR (InitComm / CVR_InitComm, Authenticate, Read_Content writing wz.txt and xp.wlt into
 * HALL_SDK_TWIN_CONTENT_DIR (else the working directory), GetPeopleName ... getters in GBK; 1 = success;
 * HALL_SDK_TWIN_NO_WZ=1 writes no wz.txt, as libraries that offer only the getters). Like a vendor library it talks to the
 * reader itself: GA 467 frames over the serial device named by HALL_SDK_TWIN_PORT_<n> (else
 * HALL_SDK_TWIN_DEVICE), which the tests connect to the Python GA 467 emulator through a pty.
 * Return codes are the SAM's SW3 (0x90 ok, 0x9F found, 0x80 no card, 0x81 select failed); 0x01 port
 * error, 0x02 no answer. Built by tests/rigs/sdk_twin.py with: gcc -shared -fPIC -O2 -o libtermb-twin.so */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PORT_ERROR 0x01
#define NO_ANSWER 0x02
#define MAX_FRAME 4096

static int line = -1;
static int line_port = 0;

static int valid_port(int port) { return (port >= 1 && port <= 16) || (port >= 1001 && port <= 1016); }

static const char *device_for(int port) {
    char name[64];
    snprintf(name, sizeof name, "HALL_SDK_TWIN_PORT_%d", port);
    const char *path = getenv(name);
    return path ? path : getenv("HALL_SDK_TWIN_DEVICE");
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read exactly n bytes before the deadline; 0 on success. */
static int read_exact(unsigned char *buf, int n, long deadline) {
    int got = 0;
    while (got < n) {
        long left = deadline - now_ms();
        if (left <= 0) return -1;
        struct pollfd p = {line, POLLIN, 0};
        if (poll(&p, 1, (int)left) <= 0) return -1;
        ssize_t r = read(line, buf + got, (size_t)(n - got));
        if (r <= 0) return -1;
        got += (int)r;
    }
    return 0;
}

/* One GA 467 request; the answer's data (after SW1 SW2 SW3) into data. Returns SW3 or NO_ANSWER. */
static int transact(unsigned char cmd, unsigned char para, unsigned char *data, int cap, int *len) {
    unsigned char req[10] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, cmd, para, 0};
    req[9] = req[5] ^ req[6] ^ cmd ^ para;
    tcflush(line, TCIFLUSH);
    if (write(line, req, sizeof req) != (ssize_t)sizeof req) return NO_ANSWER;
    long deadline = now_ms() + 3000;
    unsigned char window[5] = {0}, b;
    static const unsigned char preamble[5] = {0xAA, 0xAA, 0xAA, 0x96, 0x69};
    while (memcmp(window, preamble, 5) != 0) {  /* skip noise up to the preamble */
        if (read_exact(&b, 1, deadline)) return NO_ANSWER;
        memmove(window, window + 1, 4);
        window[4] = b;
    }
    unsigned char lenb[2];
    if (read_exact(lenb, 2, deadline)) return NO_ANSWER;
    int n = (lenb[0] << 8) | lenb[1];
    if (n < 4 || n > MAX_FRAME) return NO_ANSWER;
    unsigned char body[MAX_FRAME];
    if (read_exact(body, n, deadline)) return NO_ANSWER;
    unsigned char chk = lenb[0] ^ lenb[1];
    for (int i = 0; i < n - 1; i++) chk ^= body[i];
    if (chk != body[n - 1]) return NO_ANSWER;
    int dlen = n - 4;
    if (data && len) {
        if (dlen > cap) dlen = cap;
        memcpy(data, body + 3, (size_t)dlen);
        *len = dlen;
    }
    return body[2];
}

int SDT_OpenPort(int port) {
    if (!valid_port(port)) return PORT_ERROR;
    const char *path = device_for(port);
    if (!path) return PORT_ERROR;
    if (line >= 0) close(line);
    line = open(path, O_RDWR | O_NOCTTY);
    if (line < 0) return PORT_ERROR;
    struct termios t;
    if (tcgetattr(line, &t) == 0) {
        cfmakeraw(&t);
        cfsetspeed(&t, B115200);
        tcsetattr(line, TCSANOW, &t);
    }
    line_port = port;
    return 0x90;
}

int SDT_ClosePort(int port) {
    if (line < 0 || port != line_port) return PORT_ERROR;
    close(line);
    line = -1;
    return 0x90;
}

int SDT_StartFindIDCard(int port, unsigned char *mana, int if_open) {
    (void)if_open;
    if (line < 0 || port != line_port) return PORT_ERROR;
    int len = 0;
    return transact(0x20, 0x01, mana, 8, &len);
}

int SDT_SelectIDCard(int port, unsigned char *mana, int if_open) {
    (void)if_open;
    if (line < 0 || port != line_port) return PORT_ERROR;
    int len = 0;
    return transact(0x20, 0x02, mana, 8, &len);
}

int SDT_ReadBaseMsg(int port, unsigned char *text, unsigned int *text_len, unsigned char *photo,
                    unsigned int *photo_len, int if_open) {
    (void)if_open;
    if (line < 0 || port != line_port) return PORT_ERROR;
    unsigned char data[MAX_FRAME];
    int len = 0;
    int sw = transact(0x30, 0x01, data, sizeof data, &len);
    if (sw != 0x90) return sw;
    if (len < 4) return NO_ANSWER;
    unsigned int tl = (unsigned)((data[0] << 8) | data[1]), pl = (unsigned)((data[2] << 8) | data[3]);
    if (4 + (int)(tl + pl) > len) return NO_ANSWER;
    memcpy(text, data + 4, tl);
    memcpy(photo, data + 4 + tl, pl);
    *text_len = tl;
    *photo_len = pl;
    return 0x90;
}

/* ---- termb / CVR family: 1 = success, the port kept inside the library ---------------------------- */
static unsigned char card_text[256];
static int card_text_ok = 0;

int InitComm(int port) { return SDT_OpenPort(port) == 0x90 ? 1 : 0; }
int CloseComm(void) { return SDT_ClosePort(line_port) == 0x90 ? 1 : 0; }

/* Find and select: succeeds while a card lies on the reader (find once, then select). */
int Authenticate(void) {
    unsigned char mana[8];
    if (line < 0) return 0;
    SDT_StartFindIDCard(line_port, mana, 0);
    return SDT_SelectIDCard(line_port, mana, 0) == 0x90 ? 1 : 0;
}

static int write_file(const char *dir, const char *name, const unsigned char *data, unsigned int len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = fwrite(data, 1, len, f);
    fclose(f);
    return n == len ? 0 : -1;
}

int Read_Content(int active) {
    unsigned char text[MAX_FRAME], photo[MAX_FRAME];
    unsigned int tl = 0, pl = 0;
    (void)active;
    card_text_ok = 0;
    if (line < 0) return 0;
    if (SDT_ReadBaseMsg(line_port, text, &tl, photo, &pl, 0) != 0x90 || tl != 256) return 0;
    memcpy(card_text, text, 256);
    card_text_ok = 1;
    const char *dir = getenv("HALL_SDK_TWIN_CONTENT_DIR");
    if (!dir) dir = ".";
    const char *no_wz = getenv("HALL_SDK_TWIN_NO_WZ");
    if (!(no_wz && strcmp(no_wz, "1") == 0) && write_file(dir, "wz.txt", text, tl)) return 0;
    return write_file(dir, "xp.wlt", photo, pl) ? 0 : 1;
}

int CVR_InitComm(int port) { return InitComm(port); }
int CVR_CloseComm(void) { return CloseComm(); }
int CVR_Authenticate(void) { return Authenticate(); }
int CVR_Read_Content(int active) { return Read_Content(active); }

/* One field of the last card's text block (UCS-2LE at offset/width), trailing blanks cut, as GBK. */
static int field_gbk(int offset, int width, char *out, int *out_len) {
    if (!card_text_ok || !out || !out_len) return 0;
    int n = width;
    while (n >= 2 && card_text[offset + n - 2] == ' ' && card_text[offset + n - 1] == 0) n -= 2;
    iconv_t cd = iconv_open("GBK", "UCS-2LE");
    if (cd == (iconv_t)-1) return 0;
    char *in = (char *)card_text + offset, *o = out;
    size_t inleft = (size_t)n, outleft = 255;
    size_t r = iconv(cd, &in, &inleft, &o, &outleft);
    iconv_close(cd);
    if (r == (size_t)-1) return 0;
    *o = 0;
    *out_len = (int)(o - out);
    return 1;
}

static int put(const char *s, char *out, int *out_len) {
    if (!card_text_ok || !out || !out_len) return 0;
    size_t n = strlen(s);
    memcpy(out, s, n + 1);
    *out_len = (int)n;
    return 1;
}

int GetPeopleName(char *out, int *len) { return field_gbk(0, 30, out, len); }
int GetPeopleAddress(char *out, int *len) { return field_gbk(52, 70, out, len); }
int GetPeopleIDCode(char *out, int *len) { return field_gbk(122, 36, out, len); }
int GetDepartment(char *out, int *len) { return field_gbk(158, 30, out, len); }
int GetStartDate(char *out, int *len) { return field_gbk(188, 16, out, len); }
int GetEndDate(char *out, int *len) { return field_gbk(204, 16, out, len); }

/* Sex and nation as CVR libraries give them: words, not codes (男/女; 汉族 for 01, else the code). */
int GetPeopleSex(char *out, int *len) {
    if (!card_text_ok) return 0;
    return put(card_text[30] == '1' ? "\xc4\xd0" : card_text[30] == '2' ? "\xc5\xae" : "\xce\xb4\xd6\xaa", out, len);
}

int GetPeopleNation(char *out, int *len) {
    if (!field_gbk(32, 4, out, len)) return 0;
    return strcmp(out, "01") == 0 ? put("\xba\xba\xd7\xe5", out, len) : 1;
}

/* The birthday as YYYY-MM-DD, as several SDKs print it. */
int GetPeopleBirthday(char *out, int *len) {
    char d[32];
    int n = 0;
    if (!field_gbk(36, 16, d, &n) || n != 8) return 0;
    snprintf(out, 16, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
    *len = 10;
    return 1;
}
