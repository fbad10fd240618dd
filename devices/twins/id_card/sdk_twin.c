/* Twin of a vendor ID-card SDK (sdtapi family: SDT_OpenPort, SDT_StartFindIDCard, SDT_SelectIDCard,
 * SDT_ReadBaseMsg, SDT_ClosePort) for the `sdk` driver's tests. Like a vendor library it talks to the
 * reader itself: GA 467 frames over the serial device named by HALL_SDK_TWIN_PORT_<n> (else
 * HALL_SDK_TWIN_DEVICE), which the tests connect to the Python GA 467 emulator through a pty.
 * Return codes are the SAM's SW3 (0x90 ok, 0x9F found, 0x80 no card, 0x81 select failed); 0x01 port
 * error, 0x02 no answer. Built by tests/rigs/sdk_twin.py with: gcc -shared -fPIC -O2 -o libtermb-twin.so */
#include <errno.h>
#include <fcntl.h>
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
