import json, glob, sys
classes={}
for f in glob.glob('probe/classes_*.json'):
    for ctx,d in json.load(open(f)).items(): classes[ctx]=d
SUB={('root','virtual_server'):'virtual_server',('root','vrrp_track_process'):'vrrp_track_process',
     ('root','bfd_instance'):'bfd_instance',('root','garp_group'):'garp_group',('root','SSL'):'ssl',
     ('virtual_server','real_server'):'real_server',('HTTP_GET','url'):'url'}
for c in ['TCP_CHECK','HTTP_GET','MISC_CHECK','SMTP_CHECK','DNS_CHECK','BFD_CHECK','UDP_CHECK','PING_CHECK','FILE_CHECK']:
    SUB[('real_server',c)]=c
SUB[('real_server','SSL_GET')]='HTTP_GET'
out=[]
classes['root']['garp_group']='skip'
classes['root']['track_group']='skip'
classes['root']['virtual_server_group']='vblock'
for ctx in sorted(classes):
    for w,k in sorted(classes[ctx].items()):
        c='' if ctx=='root' else ctx
        if k=='block':
            sub=SUB.get((ctx,w))
            if sub: out.append((c,w,'kBlock',sub))
            else: out.append((c,w,'kSkipBlock',''))
        elif k=='vblock': out.append((c,w,'kList',''))
        elif k=='skip': out.append((c,w,'kSkipBlock',''))
        else: out.append((c,w,'kValue',''))
body=',\n'.join('      {"%s", "%s", KeywordSpec::%s, "%s"}'%e for e in out)
open('/work/wt15/engine/config/keywords.cpp','w').write('''// Generated from keepalived 2.2.7 itself (tests/conformance/lint/probe_keywords.py):
// data only, see keywords.h.
#include "engine/config/keywords.h"

namespace vrrp {

const std::vector<KeywordSpec>& Keepalived227Keywords() {
  static const std::vector<KeywordSpec> kSpecs = {
%s,
  };
  return kSpecs;
}

}  // namespace vrrp
'''%body)
print(len(out))
