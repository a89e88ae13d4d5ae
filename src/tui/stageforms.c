/*
 * stageforms.c - the fields of a work order's stage transition, in the
 * forms format (form.h), for the work item screen.
 *
 * Why here and not in forms/: the counter forms in forms/ are the hall's
 * to edit (a field an administrator adds is kept in the record's extras).
 * The fields of a transition are not: they are a contract of the core
 * (workorder.h lists them; workorder_advance refuses any other key), so
 * they ship with the program.  These texts only lay the fields out, with
 * labels and help; every rule (no skipping, a reason to go back, the
 * documents, what is required at which stage) is checked by the core when
 * the form is saved through workorder_advance or workorder_rectify_review.
 * The forms engine parses them like any .form file.
 *
 * One TUI convention: choice fields named docs_KEY answered "yes" are
 * joined into the core's docs field (docs=id,property), so the clerk ticks
 * the documents received one by one (scr_workitem.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"

static const struct {
	const char *kind;
	const char *text;
} texts[] = {
	/* not a stage: the reason a clerk gives to see a customer's full ID
	 * number and phone (audit_reveal checks it and records it) */
	{ "reveal",
	  "form advance-reveal\n"
	  "title 查看完整证件号码和电话 | Show the full ID number and phone\n"
	  "action none\n"
	  "\n"
	  "field reason\n"
	  "  label 查看原因 | Reason\n"
	  "  type text\n"
	  "  length 2 200\n"
	  "  required\n"
	  "  help 为什么需要完整号码（例如：办理过户，核对身份）；原因和这次查看都记入审计日志 | Why the full number is needed (e.g. checking identity for a transfer); the reason and this look are recorded in the audit log\n" },
	{ "application",
	  "form advance-application\n"
	  "title 新装工单办理 | New connection: next stage\n"
	  "action none\n"
	  "\n"
	  "field to\n"
	  "  label 办理到环节 | Move to stage\n"
	  "  type choice\n"
	  "  choice accept 受理 | Accepted\n"
	  "  choice survey 现场勘查 | Site survey\n"
	  "  choice plan 供电方案答复 | Supply plan\n"
	  "  choice design_review 设计审查 | Design review\n"
	  "  choice mid_check 中间检查 | Mid-construction check\n"
	  "  choice completion_check 竣工检验 | Completion check\n"
	  "  choice contract 签订合同 | Contract\n"
	  "  choice connect 装表接电 | Meter & connect\n"
	  "  choice archive 归档 | Archive\n"
	  "  choice cancel 撤销申请 | Cancel the application\n"
	  "  required\n"
	  "  help 已填好下一环节；退回前面的环节或撤销须填写原因 | The next stage is filled in; going back or cancelling needs a reason\n"
	  "\n"
	  "# ---- 现场勘查：已收材料 Site survey: documents received ----\n"
	  "\n"
	  "field docs_id\n"
	  "  label 身份证明 | Proof of identity\n"
	  "  type choice\n"
	  "  choice yes 已收 | Received\n"
	  "  choice no 未收 | Not received\n"
	  "  show-when to = survey\n"
	  "  help 申请人的身份证明（个人身份证，单位营业执照） | The applicant's identity document (ID card, or business licence)\n"
	  "\n"
	  "field docs_property\n"
	  "  label 产权证明 | Proof of property\n"
	  "  type choice\n"
	  "  choice yes 已收 | Received\n"
	  "  choice no 未收 | Not received\n"
	  "  show-when to = survey\n"
	  "  help 用电地址的房产证、租赁合同等 | Title deed, lease or similar for the supply address\n"
	  "\n"
	  "field docs_agent_id\n"
	  "  label 代办人身份证 | Agent's ID card\n"
	  "  type choice\n"
	  "  choice yes 已收 | Received\n"
	  "  choice no 未收 | Not received\n"
	  "  show-when to = survey\n"
	  "  help 由他人代办时须收代办人身份证 | Needed when someone applies on the customer's behalf\n"
	  "\n"
	  "field survey_result\n"
	  "  label 勘查结果 | Survey result\n"
	  "  type text\n"
	  "  length 0 200\n"
	  "  show-when to = survey\n"
	  "  help 现场勘查的结论 | What the site survey found\n"
	  "\n"
	  "field plan\n"
	  "  label 供电方案 | Supply plan\n"
	  "  type text\n"
	  "  length 0 500\n"
	  "  show-when to = plan\n"
	  "  help 答复客户的供电方案要点 | Main points of the supply plan given to the customer\n"
	  "\n"
	  "field result\n"
	  "  label 检查结果 | Result\n"
	  "  type text\n"
	  "  length 0 200\n"
	  "  show-when to in design_review,mid_check,completion_check\n"
	  "  help 设计审查、中间检查或竣工检验的结论 | Outcome of the review or check\n"
	  "\n"
	  "field contract_no\n"
	  "  label 合同编号 | Contract number\n"
	  "  type text\n"
	  "  length 0 40\n"
	  "  show-when to = contract\n"
	  "  help 供用电合同的编号 | Number of the supply contract\n"
	  "\n"
	  "field meter_no\n"
	  "  label 电能表编号 | Meter number\n"
	  "  type text\n"
	  "  length 1 32\n"
	  "  show-when to = connect\n"
	  "  required-when to = connect\n"
	  "  help 装表接电后户号转为正常用电 | After connection the account becomes normal\n"
	  "\n"
	  "field reason\n"
	  "  label 原因 | Reason\n"
	  "  type text\n"
	  "  length 0 200\n"
	  "  help 退回或撤销时必填 | Required when going back or cancelling\n"
	  "\n"
	  "field note\n"
	  "  label 备注 | Note\n"
	  "  type text\n"
	  "  length 0 500\n"
	  "  help 其他需要说明的情况 | Anything else worth noting\n" },
	{ "change",
	  "form advance-change\n"
	  "title 变更工单办理 | Business change: next stage\n"
	  "action none\n"
	  "\n"
	  "field to\n"
	  "  label 办理到环节 | Move to stage\n"
	  "  type choice\n"
	  "  choice accept 受理 | Accepted\n"
	  "  choice review 审核 | Review\n"
	  "  choice execute 实施 | Carry out\n"
	  "  choice archive 归档 | Archive\n"
	  "  choice cancel 撤销变更 | Cancel the change\n"
	  "  required\n"
	  "  help 已填好下一环节；实施时修改户的档案；退回或撤销须填写原因 | The next stage is filled in; carrying out updates the account; going back or cancelling needs a reason\n"
	  "\n"
	  "field result\n"
	  "  label 审核意见 | Review result\n"
	  "  type text\n"
	  "  length 0 200\n"
	  "  show-when to = review\n"
	  "  help 审核（需要时现场核查）的结论 | Outcome of the review (on site where needed)\n"
	  "\n"
	  "field reason\n"
	  "  label 原因 | Reason\n"
	  "  type text\n"
	  "  length 0 200\n"
	  "  help 退回或撤销时必填 | Required when going back or cancelling\n"
	  "\n"
	  "field note\n"
	  "  label 备注 | Note\n"
	  "  type text\n"
	  "  length 0 500\n"
	  "  help 其他需要说明的情况 | Anything else worth noting\n" },
	{ "complaint",
	  "form advance-complaint\n"
	  "title 诉求工单办理 | Feedback: next stage\n"
	  "action none\n"
	  "\n"
	  "field to\n"
	  "  label 办理到环节 | Move to stage\n"
	  "  type choice\n"
	  "  choice accept 受理 | Accepted\n"
	  "  choice dispatch 派单 | Dispatch\n"
	  "  choice handle 处理（已联系客户） | Handling (customer contacted)\n"
	  "  choice reply 答复 | Reply\n"
	  "  choice followup 回访 | Follow-up\n"
	  "  choice archive 归档 | Archive\n"
	  "  required\n"
	  "  help 已填好下一环节；退回前面的环节须填写原因 | The next stage is filled in; going back needs a reason\n"
	  "\n"
	  "field department\n"
	  "  label 责任部门 | Department\n"
	  "  type text\n"
	  "  length 1 30\n"
	  "  show-when to = dispatch\n"
	  "  required-when to = dispatch\n"
	  "  help 派往处理的部门 | Department the order is sent to\n"
	  "\n"
	  "field person\n"
	  "  label 处理人 | Person\n"
	  "  type text\n"
	  "  length 1 30\n"
	  "  show-when to = dispatch\n"
	  "  required-when to = dispatch\n"
	  "  help 负责处理的人员 | Person who handles it\n"
	  "\n"
	  "field contact_method\n"
	  "  label 联系方式 | Contact method\n"
	  "  type choice\n"
	  "  choice phone 电话 | Phone\n"
	  "  choice sms 短信 | SMS\n"
	  "  choice visit 上门 | Visit\n"
	  "  choice wechat 微信 | WeChat\n"
	  "  choice letter 信函 | Letter\n"
	  "  show-when to = handle\n"
	  "  required-when to = handle\n"
	  "  help 怎样联系上客户的 | How the customer was contacted\n"
	  "\n"
	  "field reply\n"
	  "  label 答复内容 | Reply\n"
	  "  type text\n"
	  "  length 1 500\n"
	  "  show-when to = reply\n"
	  "  required-when to = reply\n"
	  "  help 答复客户的内容 | What the customer was told\n"
	  "\n"
	  "field verified\n"
	  "  label 是否属实 | Verified true\n"
	  "  type choice\n"
	  "  choice yes 属实 | True\n"
	  "  choice no 不属实 | Not true\n"
	  "  show-when to = reply\n"
	  "  help 投诉和举报答复时必须填写 | Required for complaints and misconduct reports\n"
	  "\n"
	  "field company_fault\n"
	  "  label 供电企业责任 | Company at fault\n"
	  "  type choice\n"
	  "  choice yes 是 | Yes\n"
	  "  choice no 否 | No\n"
	  "  show-when to = reply\n"
	  "  show-when verified = yes\n"
	  "  help 属实时填写 | Given when verified true\n"
	  "\n"
	  "field staff_involved\n"
	  "  label 涉及员工工号 | Staff involved\n"
	  "  type text\n"
	  "  length 0 16\n"
	  "  show-when to = reply\n"
	  "  show-when verified = yes\n"
	  "  help 属实且涉及员工时填写其工号（之后主任登记整改） | Staff id when a member of staff was involved (the manager then records a rectification)\n"
	  "\n"
	  "field result\n"
	  "  label 回访结果 | Follow-up result\n"
	  "  type choice\n"
	  "  choice satisfied 满意 | Satisfied\n"
	  "  choice unsatisfied 不满意 | Not satisfied\n"
	  "  show-when to = followup\n"
	  "  required-when to = followup\n"
	  "  help 不满意时工单退回「处理」 | Not satisfied sends the order back to handling\n"
	  "\n"
	  "field method\n"
	  "  label 回访方式 | Follow-up method\n"
	  "  type choice\n"
	  "  choice phone 电话 | Phone\n"
	  "  choice sms 短信 | SMS\n"
	  "  choice visit 上门 | Visit\n"
	  "  choice wechat 微信 | WeChat\n"
	  "  show-when to = followup\n"
	  "  required-when to = followup\n"
	  "  help 怎样回访的 | How the follow-up was done\n"
	  "\n"
	  "field attempts\n"
	  "  label 回访次数 | Attempts\n"
	  "  type integer\n"
	  "  min 1\n"
	  "  max 9\n"
	  "  default 1\n"
	  "  show-when to = followup\n"
	  "  required-when to = followup\n"
	  "  help 联系了几次才回访到客户 | How many tries it took to reach the customer\n"
	  "\n"
	  "field reason\n"
	  "  label 原因 | Reason\n"
	  "  type text\n"
	  "  length 0 200\n"
	  "  help 退回前面的环节时必填 | Required when going back\n"
	  "\n"
	  "field note\n"
	  "  label 备注 | Note\n"
	  "  type text\n"
	  "  length 0 500\n"
	  "  help 其他需要说明的情况 | Anything else worth noting\n" },
	{ "rectification",
	  "form advance-rectification\n"
	  "title 整改复查 | Rectification review\n"
	  "action none\n"
	  "\n"
	  "field result\n"
	  "  label 复查结果 | Review result\n"
	  "  type text\n"
	  "  length 1 500\n"
	  "  required\n"
	  "  help 整改措施落实情况和复查结论 | Whether the measures were carried out, and the conclusion\n" },
};

const struct form_def *app_stage_form(struct app *a, const char *kind)
{
	char name[FORM_KEY_MAX];

	if (!a->stage_forms) {
		struct form_set *set = calloc(1, sizeof *set);
		size_t n = sizeof texts / sizeof texts[0];
		if (!set || !(set->forms = calloc(n, sizeof *set->forms))) {
			free(set);
			return NULL;
		}
		for (size_t i = 0; i < n; i++) {
			struct hall_err err;
			char path[64];
			snprintf(path, sizeof path, "(stage form %s)", texts[i].kind);
			hall_err_clear(&err);
			if (form_parse_text(texts[i].text, path,
			                    &set->forms[set->nforms], &err) == HALL_OK)
				set->nforms++;
			else
				app_err(a, &err);
		}
		a->stage_forms = set;
	}
	snprintf(name, sizeof name, "advance-%s", kind ? kind : "");
	return formset_find(a->stage_forms, name);
}
