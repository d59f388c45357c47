#include "engine/vrrp/action.h"

namespace vrrp {

const char* StateName(State s) {
  switch (s) {
    case State::kInit:
      return "INIT";
    case State::kBackup:
      return "BACKUP";
    case State::kMaster:
      return "MASTER";
    case State::kFault:
      return "FAULT";
    case State::kStop:
      return "STOP";
  }
  return "?";
}

const char* ReasonName(Reason r) {
  switch (r) {
    case Reason::kNone:
      return "none";
    case Reason::kStartup:
      return "startup";
    case Reason::kOwnerStartup:
      return "owner-startup";
    case Reason::kMasterDownTimer:
      return "master-down-timer";
    case Reason::kPriorityZeroAdvert:
      return "priority-zero-advert";
    case Reason::kHigherPriorityAdvert:
      return "higher-priority-advert";
    case Reason::kEqualPriorityHigherAddress:
      return "equal-priority-higher-address";
    case Reason::kFault:
      return "fault";
    case Reason::kFaultCleared:
      return "fault-cleared";
    case Reason::kSyncGroup:
      return "sync-group";
    case Reason::kShutdown:
      return "shutdown";
    case Reason::kMasterRxLowerPriority:
      return "master-rx-lower-priority";
  }
  return "?";
}

}  // namespace vrrp
