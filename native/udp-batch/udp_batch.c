/*
 * Batched UDP sends for the QUIC endpoint: one sendmmsg(2) for a whole flush instead of one
 * sendto(2) per packet, and UDP GSO (UDP_SEGMENT, Linux >= 4.18) so that a run of equal-size
 * packets to one peer crosses the kernel's UDP stack once and is split into datagrams below it.
 *
 * send(fd, arena, slotBytes, lengths, addrs, addrLens, count, gso) -> packets sent (>= 0)
 *   arena:    packet i lives at arena[i * slotBytes], lengths[i] bytes long
 *   addrs:    sockaddr i lives at addrs[i * 28], addrLens[i] bytes (0: connected socket)
 *   gso:      0 off; otherwise coalesce runs of same-address packets (all but the last equal size)
 * A short count means the socket buffer was full (EAGAIN) or the kernel refused the batch; the
 * caller sends the rest its ordinary way (lastErrno() says why). Throws only on bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <node_api.h>
#include <string.h>
#include <sys/socket.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define MAX_PACKETS 1024
#define ADDR_STRIDE 28
#define GSO_MAX_SEGMENTS 64
#define GSO_MAX_BYTES 65000

static struct mmsghdr msgs[MAX_PACKETS];
static struct iovec iovs[MAX_PACKETS];
static char controls[MAX_PACKETS][CMSG_SPACE(sizeof(uint16_t))];
/* first packet index each message carries, and how many */
static uint32_t firsts[MAX_PACKETS];
static uint32_t spans[MAX_PACKETS];
static int last_errno = 0;

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_UDP_BATCH_ARGS", message);
  return NULL;
}

static int get_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  size_t count;
  void *base;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, &count, &base, &buffer, &offset) != napi_ok)
    return 0;
  if (type != napi_uint8_array) return 0;
  *data = base;
  *length = count;
  return 1;
}

static int get_u32s(napi_env env, napi_value value, uint32_t **data, size_t *length) {
  napi_typedarray_type type;
  size_t count;
  void *base;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, &count, &base, &buffer, &offset) != napi_ok)
    return 0;
  if (type != napi_uint32_array) return 0;
  *data = base;
  *length = count;
  return 1;
}

static int same_peer(const uint8_t *addrs, const uint32_t *addr_lens, uint32_t a, uint32_t b) {
  if (addr_lens[a] != addr_lens[b]) return 0;
  return memcmp(addrs + (size_t)a * ADDR_STRIDE, addrs + (size_t)b * ADDR_STRIDE, addr_lens[a]) == 0;
}

static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 8) return fail(env, "send(fd, arena, slotBytes, lengths, addrs, addrLens, count, gso)");

  int32_t fd, slot_bytes, count_in, gso_in;
  uint8_t *arena, *addrs;
  uint32_t *lengths, *addr_lens;
  size_t arena_len, addrs_len, lengths_len, addr_lens_len;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) return fail(env, "bad fd");
  if (!get_bytes(env, argv[1], &arena, &arena_len)) return fail(env, "arena: Uint8Array");
  if (napi_get_value_int32(env, argv[2], &slot_bytes) != napi_ok || slot_bytes <= 0)
    return fail(env, "bad slotBytes");
  if (!get_u32s(env, argv[3], &lengths, &lengths_len)) return fail(env, "lengths: Uint32Array");
  if (!get_bytes(env, argv[4], &addrs, &addrs_len)) return fail(env, "addrs: Uint8Array");
  if (!get_u32s(env, argv[5], &addr_lens, &addr_lens_len)) return fail(env, "addrLens: Uint32Array");
  if (napi_get_value_int32(env, argv[6], &count_in) != napi_ok || count_in < 0) return fail(env, "bad count");
  if (napi_get_value_int32(env, argv[7], &gso_in) != napi_ok) return fail(env, "bad gso");

  uint32_t count = (uint32_t)count_in;
  if (count > MAX_PACKETS || count > lengths_len || count > addr_lens_len ||
      (size_t)count * (size_t)slot_bytes > arena_len || (size_t)count * ADDR_STRIDE > addrs_len)
    return fail(env, "count exceeds the arrays");
  for (uint32_t i = 0; i < count; i++) {
    if (lengths[i] > (uint32_t)slot_bytes) return fail(env, "a length exceeds its slot");
    if (addr_lens[i] > ADDR_STRIDE) return fail(env, "an address exceeds its slot");
  }

  /* Group packets into messages. */
  uint32_t nmsgs = 0;
  for (uint32_t i = 0; i < count;) {
    uint32_t span = 1;
    if (gso_in) {
      uint32_t size = lengths[i];
      uint32_t total = size;
      /* a run: same peer, equal sizes; the last one may be shorter */
      while (i + span < count && span < GSO_MAX_SEGMENTS && same_peer(addrs, addr_lens, i, i + span) &&
             lengths[i + span] <= size && total + lengths[i + span] <= GSO_MAX_BYTES) {
        total += lengths[i + span];
        span++;
        if (lengths[i + span - 1] < size) break;
      }
    }
    for (uint32_t k = 0; k < span; k++) {
      iovs[i + k].iov_base = arena + (size_t)(i + k) * (size_t)slot_bytes;
      iovs[i + k].iov_len = lengths[i + k];
    }
    struct msghdr *h = &msgs[nmsgs].msg_hdr;
    memset(h, 0, sizeof(*h));
    h->msg_name = addr_lens[i] ? addrs + (size_t)i * ADDR_STRIDE : NULL;
    h->msg_namelen = addr_lens[i];
    h->msg_iov = &iovs[i];
    h->msg_iovlen = span;
    if (span > 1) {
      h->msg_control = controls[nmsgs];
      h->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
      struct cmsghdr *c = CMSG_FIRSTHDR(h);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      uint16_t segment = (uint16_t)lengths[i];
      memcpy(CMSG_DATA(c), &segment, sizeof(segment));
    }
    firsts[nmsgs] = i;
    spans[nmsgs] = span;
    nmsgs++;
    i += span;
  }

  uint32_t done_msgs = 0;
  int err = 0;
  while (done_msgs < nmsgs) {
    int n = sendmmsg(fd, msgs + done_msgs, nmsgs - done_msgs, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (n == 0) break;
    done_msgs += (uint32_t)n;
  }
  last_errno = err;
  uint32_t sent = done_msgs < nmsgs ? firsts[done_msgs] : count;

  napi_value result;
  napi_create_uint32(env, sent, &result);
  return result;
}

/* The errno of the last send that stopped short (0: none); EAGAIN is a full socket buffer. */
static napi_value get_last_errno(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_int32(env, last_errno, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_value errno_fn;
  napi_create_function(env, "lastErrno", NAPI_AUTO_LENGTH, get_last_errno, NULL, &errno_fn);
  napi_set_named_property(env, exports, "lastErrno", errno_fn);
  napi_create_function(env, "send", NAPI_AUTO_LENGTH, send_batch, NULL, &fn);
  napi_set_named_property(env, exports, "send", fn);
  napi_value max;
  napi_create_uint32(env, MAX_PACKETS, &max);
  napi_set_named_property(env, exports, "maxPackets", max);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
