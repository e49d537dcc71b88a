"""The 1996 meeting's background page, as text of its own, in a database loaded before
meetings had one.

The background page used to be a template; it is now each meeting's ``background``
(Markdown). A 1996 meeting loaded earlier would otherwise lose its page. Only an empty
background is filled, once, here: the seed never touches an existing meeting, and a text the
secretariat writes later is never overwritten. Self-contained on purpose (the text is copied,
not imported from ``agenda.seed``): a migration must say the same thing whatever later code
says.
"""

from django.db import migrations

MEETING_SLUG = 'un-regional-organizations-1996'

BACKGROUND = """\
Meetings between the United Nations and regional organizations are part of an effort begun
by the Secretary-General to strengthen the dialogue between them on preventive diplomacy,
peacemaking, peacekeeping and post-conflict peace-building.

## Chapter VIII of the Charter

The Charter of the United Nations provides for this cooperation in Chapter VIII, “Regional
Arrangements”. Article 52 reads, in part:

> “Nothing in the present Charter precludes the existence of regional arrangements or
> agencies for dealing with such matters relating to the maintenance of international peace
> and security as are appropriate for regional action, provided that such arrangements or
> agencies and their activities are consistent with the Purposes and Principles of the
> United Nations.”
>
> “The Security Council shall encourage the development of pacific settlement of local
> disputes through such regional arrangements or by such regional agencies either on the
> initiative of the states concerned or by reference from the Security Council.”

In January 1993 the Security Council, while reaffirming its own primary responsibility for
the maintenance of international peace and security, invited regional organizations and
arrangements to study how to strengthen their functions in this field and to coordinate
their efforts more closely with those of the United Nations. In resolution 48/42 the General
Assembly welcomed the Secretary-General's work on guidelines for cooperation between the
United Nations and regional organizations, a question the Assembly has also taken up in its
working groups on An Agenda for Peace.

## The first meeting, 1 August 1994

Ten regional organizations attended the first meeting, convened by the Secretary-General on
1 August 1994. It discussed three topics: areas of intervention, principles of action and
modalities for cooperation. Participants agreed that a flexible, pragmatic approach, case by
case, would serve better than a single model of cooperation. Some named the lack of
financial and other resources as the most serious obstacle to regional action for peace;
exchanging information on emerging crises early was seen as the key to closer coordination.

## Five forms of cooperation

In the Supplement to An Agenda for Peace, the Secretary-General described five forms that
cooperation between the United Nations and regional organizations on peace and security
takes:

1. **Consultation**, held regularly and in some cases under formal agreements, including
   annual meetings or reports to the General Assembly.
2. **Diplomatic support**, as between the United Nations and the OSCE in Georgia/Abkhazia
   and in Nagorno-Karabakh.
3. **Operational support**, as NATO gave UNPROFOR during the United Nations operations in
   Bosnia and Herzegovina.
4. **Co-deployment**, as with the CIS in Georgia and Tajikistan and with ECOWAS in Liberia.
5. **Joint operations**, as with the OAS in the human rights mission in Haiti.

In his 1995 annual report on the work of the Organization, the Secretary-General observed
that such cooperation eases the work of the Security Council by giving responsibility to the
States and organizations of the region concerned, and so helps to democratize international
relations.

## Four principles

The same Supplement set out four principles for such cooperation:

1. Agreed mechanisms for consultation should exist, though they need not be formal.
2. The primacy of the United Nations in maintaining international peace and security, as
   the Charter sets out, must be respected.
3. The division of labour must be clearly defined and agreed, to avoid overlap and
   institutional rivalry when the United Nations and a regional organization work on the
   same conflict.
4. Members of regional organizations that are also Member States of the United Nations
   should act consistently when dealing with a problem that concerns both organizations.
"""


def fill_background(apps, schema_editor):
    Meeting = apps.get_model("delegations", "Meeting")
    Meeting.objects.filter(slug=MEETING_SLUG, background="").update(background=BACKGROUND)


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0002_staff_groups"),
        ("delegations", "0003_meeting_paper_background"),
    ]

    operations = [migrations.RunPython(fill_background, migrations.RunPython.noop)]
