// The address list of a VRRP advertisement: a vector of Ipv4 that keeps up
// to four addresses inline, so copying an advert (every SendAdvert action
// carries one) does not allocate for the usual one-VIP instance.
//
// It behaves like std::vector<Ipv4> where adverts use one: iteration,
// indexing, push_back/emplace_back, reserve, clear, resize, comparison (also
// with a std::vector<Ipv4>), and construction from a std::vector or a braced
// list.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

#include "engine/ipv4.h"

namespace vrrp {

class AddressList {
 public:
  using value_type = Ipv4;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = Ipv4&;
  using const_reference = const Ipv4&;
  using pointer = Ipv4*;
  using const_pointer = const Ipv4*;
  using iterator = Ipv4*;
  using const_iterator = const Ipv4*;

  static constexpr std::size_t kInline = 4;

  AddressList() = default;
  AddressList(std::initializer_list<Ipv4> list) { Assign(list.begin(), list.size()); }
  AddressList(const std::vector<Ipv4>& v) { Assign(v.data(), v.size()); }  // NOLINT: implicit
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
  AddressList& operator=(const std::vector<Ipv4>& v) {
    Assign(v.data(), v.size());
    return *this;
  }
  AddressList& operator=(std::initializer_list<Ipv4> list) {
    Assign(list.begin(), list.size());
    return *this;
  }
  ~AddressList() { Free(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return heap_ ? cap_ : kInline; }
  Ipv4* data() { return heap_ ? heap_.get() : inline_; }
  const Ipv4* data() const { return heap_ ? heap_.get() : inline_; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  Ipv4& operator[](std::size_t i) { return data()[i]; }
  const Ipv4& operator[](std::size_t i) const { return data()[i]; }
  Ipv4& front() { return data()[0]; }
  const Ipv4& front() const { return data()[0]; }
  Ipv4& back() { return data()[size_ - 1]; }
  const Ipv4& back() const { return data()[size_ - 1]; }

  void reserve(std::size_t n) {
    if (n > capacity()) Grow(n);
  }
  void clear() { size_ = 0; }
  void resize(std::size_t n) {
    reserve(n);
    for (std::size_t i = size_; i < n; ++i) data()[i] = Ipv4();
    size_ = static_cast<std::uint32_t>(n);
  }
  void push_back(Ipv4 a) {
    if (size_ == capacity()) Grow(std::max<std::size_t>(2 * capacity(), size_ + 1));
    data()[size_++] = a;
  }
  template <typename... Args>
  Ipv4& emplace_back(Args&&... args) {
    push_back(Ipv4(std::forward<Args>(args)...));
    return back();
  }
  void pop_back() { --size_; }

  friend bool operator==(const AddressList& a, const AddressList& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator==(const AddressList& a, const std::vector<Ipv4>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  void Assign(const Ipv4* p, std::size_t n) {
    size_ = 0;
    reserve(n);
    std::copy(p, p + n, data());
    size_ = static_cast<std::uint32_t>(n);
  }
  void Grow(std::size_t n) {
    auto fresh = std::make_unique<Ipv4[]>(n);
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
      std::copy(o.inline_, o.inline_ + o.size_, inline_);
    }
    o.cap_ = 0;
    o.size_ = 0;
  }

  std::unique_ptr<Ipv4[]> heap_;  // null while the addresses fit inline
  std::uint32_t size_ = 0;
  std::uint32_t cap_ = 0;  // of heap_
  Ipv4 inline_[kInline];
};

}  // namespace vrrp
