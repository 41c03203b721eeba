from audit.log import log_action
from audit.models import AuditEntry


def test_log_action_records_the_position_and_the_ente(make_position, payer):
    position = make_position()
    entry = log_action("position.created", obj=position, actor=payer, data={"amount": 2200})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.position_id == position.pk
    assert stored.organization_id == position.organization_id
    assert stored.actor_label == payer.email and stored.data == {"amount": 2200}
