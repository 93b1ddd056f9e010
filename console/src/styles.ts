export const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f3f4f6}
button{font:inherit;cursor:pointer}input,textarea,select{font:inherit}
.login{max-width:360px;margin:12vh auto;background:#fff;border-radius:14px;padding:28px;box-shadow:0 8px 30px rgba(0,0,0,.08)}
.login h1{margin:0 0 4px;font-size:22px}.login p{margin:0 0 18px;color:#6b7280}
.login label{display:block;font-weight:600;font-size:13px;margin:12px 0 4px}.login input{width:100%;padding:10px;border:1px solid #d1d5db;border-radius:8px}
.primary{background:#4f46e5;color:#fff;border:0;border-radius:8px;padding:9px 14px;font-weight:600}.primary:disabled{opacity:.5}
.login .primary{width:100%;margin-top:18px}.error{color:#dc2626;margin-top:10px}
.app{display:grid;grid-template-rows:52px 1fr;height:100vh}
.top{display:flex;align-items:center;gap:14px;padding:0 16px;background:#111827;color:#fff}
.top b{font-size:16px}.top .sp{flex:1}.top button{background:transparent;border:1px solid #374151;color:#e5e7eb;border-radius:8px;padding:5px 10px}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#9ca3af;margin-right:6px}.dot.on{background:#22c55e}
.ops{display:flex;gap:10px;font-size:12px;color:#d1d5db}
.cols{display:grid;grid-template-columns:320px 1fr 280px;min-height:0}
.cols.nocontact{grid-template-columns:320px 1fr}
.list{background:#fff;border-right:1px solid #e5e7eb;display:flex;flex-direction:column;min-height:0}
.filters{display:flex;gap:4px;padding:10px;border-bottom:1px solid #e5e7eb;flex-wrap:wrap}
.filters button{border:1px solid #e5e7eb;background:#fff;border-radius:999px;padding:3px 10px;font-size:12px;color:#374151}
.filters button.on{background:#111827;color:#fff;border-color:#111827}
.items{overflow-y:auto;flex:1}
.item{display:block;width:100%;text-align:left;border:0;border-bottom:1px solid #f3f4f6;background:#fff;padding:11px 12px}
.item:hover{background:#f9fafb}.item.sel{background:#eef2ff}
.item .r1{display:flex;align-items:center;gap:6px}.item .name{font-weight:600;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.item .prev{color:#6b7280;font-size:13px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;margin-top:2px}
.item .when{font-size:11px;color:#9ca3af}
.tag{font-size:11px;font-weight:600;border-radius:6px;padding:1px 6px;white-space:nowrap;vertical-align:middle}
.tag.bot{background:#e0e7ff;color:#3730a3}.tag.pending{background:#fee2e2;color:#991b1b}.tag.open{background:#dcfce7;color:#166534}.tag.resolved{background:#f3f4f6;color:#6b7280}
.unread{background:#dc2626;color:#fff;border-radius:999px;font-size:11px;font-weight:700;padding:0 6px;min-width:18px;text-align:center}
.chan{font-size:11px;color:#6b7280;text-transform:uppercase;letter-spacing:.03em}
.conv{display:flex;flex-direction:column;min-height:0;background:#f9fafb}
.conv .head{display:flex;align-items:center;gap:8px;padding:10px 16px;background:#fff;border-bottom:1px solid #e5e7eb;flex-wrap:wrap}
.conv .head h2{margin:0;font-size:16px;flex:1}
.actions{display:flex;gap:6px;flex-wrap:wrap}.actions button,.actions select{border:1px solid #d1d5db;background:#fff;border-radius:8px;padding:5px 10px;font-size:13px}
.actions [aria-label="Contact details"]{display:none}@media (max-width:1100px){.actions [aria-label="Contact details"]{display:inline-block}}
.actions .take{background:#4f46e5;color:#fff;border-color:#4f46e5}
.msgs{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:8px}
.m{max-width:70%;display:flex;flex-direction:column}.m .b{padding:8px 12px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}
.m .who{font-size:11px;font-weight:600;color:#4b5563;margin:0 4px 2px}.m .t{font-size:11px;color:#9ca3af;margin:2px 4px}
.m.in{align-self:flex-start}.m.in .b{background:#fff;border:1px solid #e5e7eb}
.m.agent{align-self:flex-end;align-items:flex-end}.m.agent .b{background:#e0e7ff}
.m.operator{align-self:flex-end;align-items:flex-end}.m.operator .b{background:#4f46e5;color:#fff}
.m.system{align-self:center;color:#6b7280;font-size:12px}
.typing{font-size:12px;color:#6b7280;padding:0 16px 4px;min-height:18px}
.composer{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}
.composer textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:8px;padding:8px 10px;min-height:42px;max-height:140px}
.empty{margin:auto;color:#9ca3af}
.contact{background:#fff;border-left:1px solid #e5e7eb;padding:16px;overflow-y:auto}
.contact h3{margin:0 0 2px;font-size:15px}.contact dl{margin:12px 0;font-size:13px}.contact dt{color:#6b7280;font-size:12px;margin-top:8px}.contact dd{margin:0;word-break:break-word}
.consent{display:flex;justify-content:space-between;font-size:13px;padding:4px 0;border-bottom:1px solid #f3f4f6}
.consent-history{font-size:12px;margin-top:8px}.consent-history ol{margin:6px 0 0;padding-left:18px}.consent-history li{margin:3px 0;color:#4b5563}
.cs{font-size:12px;border-radius:6px;padding:0 6px}.cs.granted{background:#dcfce7;color:#166534;font-weight:600}.cs.withdrawn{background:#fee2e2;color:#991b1b;font-weight:600}.cs.not-asked{background:#f3f4f6;color:#6b7280}
.close-contact{display:none;float:right;border:0;background:transparent;font-size:22px;line-height:1;color:#6b7280;padding:0 4px}
@media (max-width:1100px){.close-contact{display:block}}
.more{display:block;margin:10px auto;border:1px solid #e5e7eb;background:#fff;border-radius:999px;padding:3px 12px;font-size:12px}
.older{align-self:center;border:1px solid #e5e7eb;background:#fff;border-radius:999px;padding:3px 10px;font-size:12px}
@media (max-width:1100px){.cols{grid-template-columns:280px 1fr}.contact{display:none}.cols.showcontact .contact{display:block;position:fixed;right:0;top:52px;bottom:0;width:300px;box-shadow:-6px 0 20px rgba(0,0,0,.1)}}
`;
