#include "sim/capture/pcap_source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/io/file_io.h"

namespace vsim::capture {

struct PcapSource::Impl {
  pcap_t* pcap = nullptr;
};

PcapSource::~PcapSource() {
  if (impl_ != nullptr && impl_->pcap != nullptr) pcap_close(impl_->pcap);
  delete impl_;
}

std::unique_ptr<PcapSource> PcapSource::OpenFile(const std::string& path, std::string* error) {
  // The type is checked on the open descriptor (O_NONBLOCK: a FIFO swapped in
  // cannot block the open), then libpcap reads it as a stream.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    *error = errno == ENOENT ? "no such file" : std::strerror(errno);
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) {
    *error = "is " + FileKindName(st.st_mode) + ", not a capture file";
    return nullptr;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *error = errno == EACCES ? "permission denied" : std::strerror(errno);
    return nullptr;
  }
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = "is " + FileKindName(st.st_mode) + ", not a capture file";
    ::close(fd);
    return nullptr;
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  FILE* f = ::fdopen(fd, "rb");
  if (f == nullptr) {
    *error = std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (p == nullptr) {
    std::fclose(f);
    const std::string why = errbuf;
    if (st.st_size == 0)
      *error = "is empty, not a capture file (expected pcap or pcapng)";
    else if (why.find("unknown file format") != std::string::npos)
      *error = "is not a capture file: expected pcap or pcapng (libpcap: " + why + ")";
    else
      *error = "cannot be read as pcap or pcapng: " + why;
    return nullptr;
  }
  std::unique_ptr<PcapSource> s(new PcapSource);
  s->impl_ = new Impl{p};
  s->link_type_ = pcap_datalink(p);
  return s;
}

std::unique_ptr<PcapSource> PcapSource::OpenLive(const std::string& iface, std::string* error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(iface.c_str(), errbuf);
  if (p == nullptr) {
    *error = errbuf;
    return nullptr;
  }
  pcap_set_snaplen(p, 2048);
  pcap_set_promisc(p, 1);
  pcap_set_timeout(p, 100);
  pcap_set_immediate_mode(p, 1);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
  const int rc = pcap_activate(p);
  if (rc < 0) {
    if (rc == PCAP_ERROR_PERM_DENIED)
      *error =
          "permission denied: watching an interface needs CAP_NET_RAW (run as root, or "
          "`setcap cap_net_raw+ep vrrpsim`)";
    else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
      *error = "no such interface";
    else if (rc == PCAP_ERROR_IFACE_NOT_UP)
      *error = "the interface is not up";
    else
      *error = pcap_geterr(p);
    pcap_close(p);
    return nullptr;
  }
  // VRRP over IPv4 (and AH), ARP, VRRP over IPv6, ICMPv6 neighbour
  // advertisements (type 136: byte 40 when no extension header precedes it,
  // as in keepalived's), untagged or behind one VLAN tag.
  const char* filter =
      "ip proto 112 or ip proto 51 or arp or ip6 proto 112 or (icmp6 and ip6[40] == 136) or "
      "(vlan and (ip proto 112 or ip proto 51 or arp or ip6 proto 112 or "
      "(icmp6 and ip6[40] == 136)))";
  bpf_program prog{};
  if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
      pcap_setfilter(p, &prog) != 0) {
    *error = std::string("cannot set the filter: ") + pcap_geterr(p);
    pcap_freecode(&prog);
    pcap_close(p);
    return nullptr;
  }
  pcap_freecode(&prog);
  // Non-blocking + poll: in immediate mode libpcap's own timeout does not
  // return from a read on a quiet interface, and --for must end on time.
  if (pcap_setnonblock(p, 1, errbuf) != 0 || pcap_get_selectable_fd(p) < 0) {
    *error = std::string("cannot poll the interface: ") + errbuf;
    pcap_close(p);
    return nullptr;
  }
  std::unique_ptr<PcapSource> s(new PcapSource);
  s->live_ = true;
  s->impl_ = new Impl{p};
  s->link_type_ = pcap_datalink(p);
  return s;
}

std::string PcapSource::LinkTypeName() const {
  const char* n = pcap_datalink_val_to_name(link_type_);
  return n != nullptr ? n : "DLT " + std::to_string(link_type_);
}

PcapSource::Status PcapSource::Next(RawPacket* out, std::string* error) {
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(impl_->pcap, &h, &data);
  if (rc == 0 && live_) {
    pollfd pfd{};
    pfd.fd = pcap_get_selectable_fd(impl_->pcap);
    pfd.events = POLLIN;
    if (::poll(&pfd, 1, 100) <= 0) return Status::kTimeout;  // quiet, or a signal
    rc = pcap_next_ex(impl_->pcap, &h, &data);
  }
  if (rc == 1) {
    out->ts_us = static_cast<std::int64_t>(h->ts.tv_sec) * 1'000'000 + h->ts.tv_usec;
    out->bytes = {data, h->caplen};
    out->wire_length = h->len;
    return Status::kPacket;
  }
  if (rc == 0) return Status::kTimeout;
  if (rc == PCAP_ERROR_BREAK) return Status::kEnd;
  *error = pcap_geterr(impl_->pcap);
  return Status::kError;
}

void PcapSource::BreakLoop() { pcap_breakloop(impl_->pcap); }

}  // namespace vsim::capture
