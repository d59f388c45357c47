// The address list of a VRRP advertisement: a vector of IpAddress that keeps up
// to four addresses inline, so copying an advert (every SendAdvert action
// carries one) does not allocate for the usual one-VIP instance.
//
// It behaves like std::vector<IpAddress> where adverts use one: iteration,
// indexing, push_back/emplace_back, reserve, clear, resize, comparison (also
// with a std::vector<IpAddress>), and construction from a std::vector or a braced
// list.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

#include "engine/ip_address.h"

namespace vrrp {

class AddressList {
 public:
  using value_type = IpAddress;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = IpAddress&;
  using const_reference = const IpAddress&;
  using pointer = IpAddress*;
  using const_pointer = const IpAddress*;
  using iterator = IpAddress*;
  using const_iterator = const IpAddress*;

  static constexpr std::size_t kInline = 4;

  AddressList() = default;
  AddressList(std::initializer_list<IpAddress> list) { Assign(list.begin(), list.size()); }
  AddressList(const std::vector<IpAddress>& v) { Assign(v.data(), v.size()); }  // NOLINT: implicit
  AddressList(const std::vector<Ipv4>& v) {                                     // NOLINT: implicit
    reserve(v.size());
    for (Ipv4 x : v) push_back(x);
  }
  AddressList(const AddressList& o) { Assign(o.data(), o.size()); }
  AddressList(AddressList&& o) noexcept { Steal(o); }
  AddressList& operator=(const AddressList& o) {
    if (this != &o) Assign(o.data(), o.size());
    return *this;
  }
  AddressList& operator=(AddressList&& o) noexcept {
    if (this != &o) {
      Free();
      Steal(o);
    }
    return *this;
  }
  AddressList& operator=(const std::vector<IpAddress>& v) {
    Assign(v.data(), v.size());
    return *this;
  }
  AddressList& operator=(const std::vector<Ipv4>& v) {
    clear();
    reserve(v.size());
    for (Ipv4 x : v) push_back(x);
    return *this;
  }
  AddressList& operator=(std::initializer_list<IpAddress> list) {
    Assign(list.begin(), list.size());
    return *this;
  }
  ~AddressList() { Free(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return heap_ ? cap_ : kInline; }
  IpAddress* data() { return heap_ ? heap_.get() : inline_store_.a; }
  const IpAddress* data() const { return heap_ ? heap_.get() : inline_store_.a; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  IpAddress& operator[](std::size_t i) { return data()[i]; }
  const IpAddress& operator[](std::size_t i) const { return data()[i]; }
  IpAddress& front() { return data()[0]; }
  const IpAddress& front() const { return data()[0]; }
  IpAddress& back() { return data()[size_ - 1]; }
  const IpAddress& back() const { return data()[size_ - 1]; }

  void reserve(std::size_t n) {
    if (n > capacity()) Grow(n);
  }
  void clear() { size_ = 0; }
  void resize(std::size_t n) {
    reserve(n);
    for (std::size_t i = size_; i < n; ++i) data()[i] = IpAddress();
    size_ = static_cast<std::uint32_t>(n);
  }
  void push_back(IpAddress a) {
    if (size_ == capacity()) Grow(std::max<std::size_t>(2 * capacity(), size_ + 1));
    data()[size_++] = a;
  }
  template <typename... Args>
  IpAddress& emplace_back(Args&&... args) {
    push_back(IpAddress(std::forward<Args>(args)...));
    return back();
  }
  void pop_back() { --size_; }

  friend bool operator==(const AddressList& a, const AddressList& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator==(const AddressList& a, const std::vector<IpAddress>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator==(const AddressList& a, const std::vector<Ipv4>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const IpAddress& x, Ipv4 y) { return x == y; });
  }

 private:
  void Assign(const IpAddress* p, std::size_t n) {
    size_ = 0;
    reserve(n);
    std::copy(p, p + n, data());
    size_ = static_cast<std::uint32_t>(n);
  }
  void Grow(std::size_t n) {
    auto fresh = std::make_unique<IpAddress[]>(n);
    std::copy(begin(), end(), fresh.get());
    heap_ = std::move(fresh);
    cap_ = static_cast<std::uint32_t>(n);
  }
  void Free() {
    heap_.reset();
    cap_ = 0;
    size_ = 0;
  }
  void Steal(AddressList& o) {
    size_ = o.size_;
    if (o.heap_) {
      heap_ = std::move(o.heap_);
      cap_ = o.cap_;
    } else {
      std::copy(o.inline_store_.a, o.inline_store_.a + o.size_, inline_store_.a);
    }
    o.cap_ = 0;
    o.size_ = 0;
  }

  std::unique_ptr<IpAddress[]> heap_;  // null while the addresses fit inline
  std::uint32_t size_ = 0;
  std::uint32_t cap_ = 0;  // of heap_
  // Left uninitialised: only the first size_ slots hold addresses (an
  // IpAddress is five words, so zeroing four of them on every advert copy
  // would cost more than the IPv4-only list did).
  union Inline {
    Inline() {}  // NOLINT(modernize-use-equals-default): no member is constructed
    IpAddress a[kInline];
  } inline_store_;
};

}  // namespace vrrp
